import Foundation
import TeamChatTestSupport
import Testing

/// An API key planted in the environment, a server that echoes it everywhere it can, and every byte teamchat then
/// writes — standard output and error of send, discover, stats, bench and serve (its logs at trace level, its
/// metrics, its documents) and the cache files — searched for any piece of it.
@Suite("Secrets never reach output, logs or files", .timeLimit(.minutes(1)))
struct SecretsTests {
    /// What a Python one-liner fetched from `url` (`POST` with `body` when given): a test's HTTP client that no part
    /// of teamchat is.
    static func fetch(_ url: String, body: String? = nil) async throws -> String {
        let script = """
            import sys, urllib.request
            data = sys.argv[2].encode() if len(sys.argv) > 2 else None
            request = urllib.request.Request(sys.argv[1], data=data, headers={"Content-Type": "application/json"})
            try:
                print(urllib.request.urlopen(request, timeout=20).read().decode())
            except urllib.error.HTTPError as error:
                print(error.read().decode())
            """
        let fetched = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", script, url] + (body.map { [$0] } ?? []))
        return fetched.stdout
    }

    @Test("a planted key is in nothing send, discover, stats, bench or serve writes, nor in the cache or the round log")
    func plantedKey() async throws {
        let key = "sk-tc" + String((0..<40).map { _ in "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".randomElement()! })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tc-secrets-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await HostileOpenAIServer.with { server in
            let roster = directory.appendingPathComponent("roster.json").path
            try Data("""
                [{"id":"echo","url":"\(server.url("echo-key"))","model":"answer","api_key_env":"PLANTED_KEY",
                  "headers":{"X-Team-Token":{"env":"PLANTED_TOKEN"}}},
                 {"id":"refuse","url":"\(server.url("echo-key"))","model":"refuse","api_key_env":"PLANTED_KEY"}]
                """.utf8).write(to: URL(fileURLWithPath: roster))
            let cache = directory.appendingPathComponent("specialists.json").path
            let token = "tok" + String(key.reversed().prefix(30))
            let log = directory.appendingPathComponent("log.db").path
            let environment = [
                "PLANTED_KEY": key, "PLANTED_TOKEN": token, "XDG_RUNTIME_DIR": directory.path, "TEAMCHAT_LOG": log,
            ]
            var written: [String] = []
            for arguments in [
                ["send", "--roster", roster, "--cache", cache, "--direct", "hi"],
                ["send", "--roster", roster, "--cache", cache, "--direct", "--json", "--stream", "hi"],
                ["send", "--roster", roster, "--cache", cache, "--direct", "--stream", "hi"],
                ["discover", "--openai", server.url("echo-key"), "--api-key-env", "PLANTED_KEY", "--cache", cache],
                ["discover", "--openai", server.url("echo-key"), "--api-key-env", "PLANTED_KEY", "--cache", cache, "--json"],
                ["stats", "--roster", roster, "--cache", cache],
                ["stats", "--roster", roster, "--cache", cache, "--json"],
                ["bench", "--roster", roster, "--cache", cache, "--rounds", "3", "--warmup", "0", "--json"],
            ] {
                let result = try await BinaryRunner.run(arguments, environment: environment)
                written += [result.stdout, result.stderr]
            }
            // The gateway: its documents, its metrics and its own logs, at their most talkative.
            let serve = try await ServeProcess(
                ["--roster", roster, "--cache", cache, "--log-level", "trace"], runtime: directory.path,
                environment: ["PLANTED_KEY": key, "PLANTED_TOKEN": token])
            let base = "http://127.0.0.1:\(serve.port)"
            written.append(try await Self.fetch(base + "/v1/rounds", body: #"{"message":"hi","stream":true}"#))
            written.append(try await Self.fetch(base + "/api/team-chat", body: #"{"message":"hi"}"#))
            for path in ["/metrics", "/api/team-chat/sockets", "/v1/team", "/healthz"] {
                written.append(try await Self.fetch(base + path))
            }
            let (_, serveLog) = await serve.stop()
            written.append(serveLog)
            written.append(try String(contentsOfFile: cache, encoding: .utf8))
            // The round log, every byte of it and its write-ahead log (the three sends' rounds are in it).
            let logBytes = ["", "-wal"].compactMap { FileManager.default.contents(atPath: log + $0) }
            #expect(logBytes.first.map { $0.count > 0 } == true)
            written += logBytes.map { String(decoding: $0, as: UTF8.self) }

            // It was there to leak: the server echoed it, and teamchat said it took it out.
            let everything = written.joined(separator: "\n")
            #expect(everything.contains("[redacted]"))
            #expect(everything.contains("refused our credentials") || everything.contains("HTTP 401"))
            for secret in [key, token] {
                for piece in Secrets.pieces(of: secret, length: 6) where everything.contains(piece) {
                    Issue.record("a piece of a secret, '\(piece)', was written: \(everything.components(separatedBy: piece).first?.suffix(200) ?? "")")
                }
            }
            // The secret header is kept by its variable's name, as the key is.
            #expect(everything.contains("PLANTED_TOKEN"))
        }
    }
}
