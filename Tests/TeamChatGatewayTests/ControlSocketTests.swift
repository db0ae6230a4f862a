import Foundation
import Testing
import TeamChatGateway
import TeamChatTestSupport

@Suite("The control socket", .timeLimit(.minutes(1)))
struct ControlSocketTests {
    @Test("a client asks for a gateway only where a socket file is: not where nothing or a plain file is")
    func exists() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-cs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        #expect(!ControlSocket.exists(directory + "/serve.sock"))
        #expect(!ControlSocket.exists(directory))
        #expect(FileManager.default.createFile(atPath: directory + "/plain", contents: Data("x".utf8)))
        #expect(!ControlSocket.exists(directory + "/plain"))

        let claimed = try ControlSocket.claim(directory + "/serve.sock")
        defer { claimed.release() }
        #expect(makeDeadSocketFile(at: claimed.path))
        #expect(ControlSocket.exists(claimed.path))
    }
}
