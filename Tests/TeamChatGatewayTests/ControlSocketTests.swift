import Foundation
import Testing
@testable import TeamChatGateway

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("The control socket")
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
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in claimed.path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        #expect(ControlSocket.exists(claimed.path))
    }
}
