import Foundation
import Testing
import TeamChatGateway
import TeamChatTestSupport

@Suite("The control socket", .timeLimit(.minutes(1)))
struct ControlSocketTests {
    /// A fresh private directory, removed after `body`.
    private func withDirectory(mode: Int = 0o700, _ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-cs-\(UUID())").path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    private func mode(of path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("a client asks for a gateway only where a socket file is: not where nothing or a plain file is")
    func exists() throws {
        try withDirectory { directory in
            #expect(!ControlSocket.exists(directory + "/serve.sock"))
            #expect(!ControlSocket.exists(directory))
            #expect(FileManager.default.createFile(atPath: directory + "/plain", contents: Data("x".utf8)))
            #expect(!ControlSocket.exists(directory + "/plain"))

            let claimed = try ControlSocket.claim(directory + "/serve.sock")
            defer { claimed.release() }
            #expect(makeDeadSocketFile(at: claimed.path))
            #expect(ControlSocket.exists(claimed.path))
            #expect(ControlSocket.untrusted(claimed.path) == nil)
        }
    }

    @Test("the directory it makes is 0700 whatever the umask; a directory others may enter is refused, left as it is")
    func privateDirectory() throws {
        try withDirectory { parent in
            let previous = umask(0)
            defer { umask(previous) }
            let claimed = try ControlSocket.claim(parent + "/made/deeper/serve.sock")
            defer { claimed.release() }
            #expect(try mode(of: parent + "/made/deeper") == 0o700)

            for open in [0o770, 0o750, 0o707, 0o777] {
                let shared = parent + "/shared-\(String(open, radix: 8))"
                try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
                #expect(chmod(shared, mode_t(open)) == 0)
                let error = #expect(throws: ControlSocket.ClaimError.self) { try ControlSocket.claim(shared + "/serve.sock") }
                #expect(error?.kind == .cannotCreate)
                #expect(error?.description.contains("must be 0700") == true)
                #expect(try mode(of: shared) == open)  // never changed behind the user's back
                // A client will not use a socket there either.
                #expect(makeDeadSocketFile(at: shared + "/serve.sock"))
                #expect(ControlSocket.untrusted(shared + "/serve.sock")?.contains("open to others") == true)
            }

            // A link to a private directory is not the directory.
            let target = parent + "/target"
            try FileManager.default.createDirectory(
                atPath: target, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try FileManager.default.createSymbolicLink(atPath: parent + "/link", withDestinationPath: target)
            let linked = #expect(throws: ControlSocket.ClaimError.self) { try ControlSocket.claim(parent + "/link/serve.sock") }
            #expect(linked?.kind == .cannotCreate)
        }
    }

    @Test("anything at the path that is not a socket is never removed: the claim fails (exit 73) and it stays")
    func notASocket() throws {
        try withDirectory { directory in
            let path = directory + "/serve.sock"
            #expect(FileManager.default.createFile(atPath: path, contents: Data("precious".utf8)))
            let error = #expect(throws: ControlSocket.ClaimError.self) { try ControlSocket.claim(path) }
            #expect(error?.kind == .cannotCreate)
            #expect(error?.description.contains("is not a socket") == true)
            #expect(FileManager.default.contents(atPath: path) == Data("precious".utf8))

            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            #expect(throws: ControlSocket.ClaimError.self) { try ControlSocket.claim(path) }
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    @Test("a second claim on a held path is busy (exit 69); a dead gateway's socket is taken over")
    func busy() throws {
        try withDirectory { directory in
            let path = directory + "/serve.sock"
            #expect(makeDeadSocketFile(at: path))
            let first = try ControlSocket.claim(path)
            #expect(!ControlSocket.exists(path))  // the dead socket was removed
            let error = #expect(throws: ControlSocket.ClaimError.self) { try ControlSocket.claim(path) }
            #expect(error?.kind == .busy)
            first.release()
            let second = try ControlSocket.claim(path)
            second.release()
        }
    }

    @Test("with neither XDG_RUNTIME_DIR nor XDG_CACHE_HOME the socket lives in a directory of its own under ~/.cache")
    func defaultPath() {
        #expect(ControlSocket.defaultPath(environment: ["XDG_RUNTIME_DIR": "/run/user/7", "HOME": "/h"]) == "/run/user/7/teamchat/serve.sock")
        #expect(ControlSocket.defaultPath(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]) == "/c/teamchat/control/serve.sock")
        #expect(ControlSocket.defaultPath(environment: ["HOME": "/h"]) == "/h/.cache/teamchat/control/serve.sock")
        #expect(ControlSocket.defaultPath(environment: ["XDG_RUNTIME_DIR": "relative", "HOME": "/h"]) == "/h/.cache/teamchat/control/serve.sock")
        #expect(ControlSocket.defaultPath(environment: [:]) == nil)
    }
}
