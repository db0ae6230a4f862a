import Foundation
import TeamChatTestSupport
import Testing

/// Soaks of `teamchat serve`: heavy enough to starve other tests of the machine, so they run in a phase of their
/// own (`make test` sets TEAMCHAT_SOAK for it), not beside the other suites.
@Suite(
    "Soaks of teamchat serve", .serialized, .timeLimit(.minutes(2)),
    .enabled(if: ProcessInfo.processInfo.environment["TEAMCHAT_SOAK"] != nil, "runs in make test's soak phase"))
struct ServeSoakTests {
    /// The peak resident memory of process `pid`, in bytes (Linux's VmHWM).
    static func peakResidentBytes(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }

    @Test("soak: 20 WebSocket clients that never read, each asking 8 rounds of 3 × 512 kB answers, keep serve under 100 MB")
    func nonReadingClients() async throws {
        // 20 × 8 × 3 × 512 kB = 240 MB of answers, 12 MB per client: far more than the kernel holds for a client
        // that does not read, so that a gateway that kept what it could not write would pass 100 MB.
        try await ServeCommandTests().withServe(arguments: ["--write-timeout", "2s", "--timeout", "20s"], answerPaddingBytes: 512 * 1024) { _, _, serve in
            var clients: [RawTCPClient] = []
            defer { for client in clients { client.close() } }
            for _ in 0..<20 {
                let client = try RawTCPClient(port: serve.port, receiveBuffer: 4_096)
                try await client.write(RawWebSocket.upgrade(port: serve.port))
                #expect(try await client.readHead().head.hasPrefix("HTTP/1.1 101"))
                try await client.write(Array((1...8).map { RawWebSocket.text(#"{"message":"soak \#($0)"}"#) }.joined()))
                clients.append(client)
            }
            let dropped = #"teamchat_clients_dropped_total{reason="unread"} 20"#
            #expect(try await eventually(within: .seconds(40)) {
                try await GatewayMetricsProbe.text(port: serve.port).contains(dropped)
            })
            let metrics = try await GatewayMetricsProbe.text(port: serve.port)
            #expect(metrics.contains("teamchat_rounds_in_flight 0"))
            let peak = try Self.peakResidentBytes(serve.process.processIdentifier)
            print("soak: 20 clients that never read, 160 rounds of 3 × 512 kB; serve's peak RSS \(peak / 1_048_576) MiB")
            #expect(peak < 100 * 1_048_576, "peak RSS \(peak / 1_048_576) MiB")
        }
    }
}

/// The gateway's `/metrics`, read over a bare socket.
enum GatewayMetricsProbe {
    static func text(port: Int) async throws -> String {
        let client = try RawTCPClient(port: port)
        defer { client.close() }
        try await client.write(Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        return String(decoding: try await client.readToEnd(), as: UTF8.self)
    }
}
