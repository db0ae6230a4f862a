import Foundation
import TeamChatFleet
import TeamChatTestSupport
import Testing

/// `teamchat serve` run as the built binary, in a runtime directory of its own.
final class ServeProcess: Sendable {
    let process: ChildProcess
    let port: Int
    let runtime: String

    init(_ arguments: [String], runtime: String, environment: [String: String] = [:]) async throws {
        self.runtime = runtime
        var overrides: [String: String?] = [
            "XDG_RUNTIME_DIR": runtime, "TEAMCHAT_CACHE": runtime + "/specialists.json",
            "TEAMCHAT_LOG": runtime + "/log.db",
        ]
        for (key, value) in environment { overrides[key] = value }
        process = try ChildProcess.launch(
            BinaryRunner.binary.path, ["serve", "--listen", "127.0.0.1:0"] + arguments, environment: overrides)
        // It says where it listens once it does (or exits: then its output ends without it).
        let marker = "listening on http://127.0.0.1:"
        let text = await process.output(containing: marker)
        guard let range = text.range(of: marker), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            _ = await process.exits()
            throw CocoaError(.executableLoad, userInfo: ["stderr": await process.errorOutput()])
        }
        self.port = port
    }

    var socketPath: String { runtime + "/teamchat/serve.sock" }

    /// SIGTERM, then its exit status and what it logged.
    func stop() async -> (status: Int32, stderr: String) {
        process.signal(SIGTERM)
        _ = await process.exits()
        return (await process.status(), await process.errorOutput())
    }
}

@Suite("teamchat serve and the commands that use it", .timeLimit(.minutes(1)))
struct ServeCommandTests {
    func withServe(
        _ misbehaving: [Int: Misbehaviour] = [:],
        arguments: [String] = [],
        answerPaddingBytes: Int = 0,
        _ body: (Fleet, String, ServeProcess) async throws -> Void
    ) async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 3)
        for (index, misbehaviour) in misbehaving { team[index].misbehaviour = misbehaviour }
        for index in team.indices { team[index].answerPaddingBytes = answerPaddingBytes }
        try await Fleet.withRunning(team) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-run-\(UUID())").path
            try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                try? FileManager.default.removeItem(atPath: runtime)
            }
            let serve = try await ServeProcess(["--roster", roster] + arguments, runtime: runtime)
            do {
                try await body(fleet, roster, serve)
            } catch {
                _ = await serve.stop()
                throw error
            }
            let (status, stderr) = await serve.stop()
            #expect(status == 0, "\(stderr)")
            #expect(!FileManager.default.fileExists(atPath: serve.socketPath))
        }
    }

    /// The human output with its timings blanked, for comparing two runs.
    /// The output with every latency (and the padding that right-aligns it, whose width follows the number's) as T.
    func shape(_ text: String) -> String {
        text.replacingOccurrences(of: #" *[0-9.]+ (ms|s|µs)"#, with: " T", options: .regularExpression)
    }

    @Test("send goes through the gateway: the same output and status, 'via' in --json, its warm connections reused")
    func sendThroughGateway() async throws {
        try await withServe([2: .refuse]) { fleet, roster, serve in
            let environment = ["XDG_RUNTIME_DIR": serve.runtime]
            let cache = serve.runtime + "/client.json"
            let viaGateway = try await BinaryRunner.run(["send", "--roster", roster, "--cache", cache, "hello"], environment: environment)
            let direct = try await BinaryRunner.run(["send", "--roster", roster, "--cache", cache, "--direct", "hello"], environment: environment)
            #expect(viaGateway.status == 75)
            #expect(direct.status == viaGateway.status)
            #expect(shape(viaGateway.stdout).split(separator: "\n").sorted() == shape(direct.stdout).split(separator: "\n").sorted())
            #expect(viaGateway.stderr == direct.stderr)

            let json = try await BinaryRunner.run(["send", "--roster", roster, "--json", "--to", "engram", "hi"], environment: environment)
            let events = try json.jsonObjects()
            #expect(events.first?["content"] as? String == "engram-ai: hi")
            #expect(events.first?["reused"] as? Bool == true)  // the gateway's pooled connection
            #expect(events.last?["via"] as? String == "gateway")
            let plain = try await BinaryRunner.run(["send", "--roster", roster, "--json", "--to", "engram", "--direct", "hi"], environment: environment)
            #expect(try plain.jsonObjects().last?["via"] == nil)
            // No team on the command line: the team the cache remembers (the direct send above wrote it) is known
            // once the session has read the cache, and then asked for at the gateway too.
            let remembered = try await BinaryRunner.run(
                ["send", "--cache", cache, "--json", "--to", "engram", "hi"], environment: environment)
            #expect(try remembered.jsonObjects().last?["via"] as? String == "gateway")

            // Lines from standard input, over the same gateway connection.
            let lines = try await BinaryRunner.run(
                ["send", "--roster", roster, "--json", "--to", "engram,hermes"], input: "one\ntwo\n", environment: environment)
            let summaries = try lines.jsonObjects().filter { $0["type"] as? String == "summary" }
            #expect(summaries.map { $0["round"] as? Int } == [1, 2])
            #expect(summaries.allSatisfy { $0["via"] as? String == "gateway" && $0["replied"] as? Int == 2 })
            // Usage errors are the command's own, whoever runs the round.
            let unknown = try await BinaryRunner.run(["send", "--roster", roster, "--to", "zeus", "x"], environment: environment)
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("unknown specialist"))
            // Five chats through the gateway, two direct: the gateway's one warm connection carried all of its own.
            let engram = fleet.specialists[0].id
            #expect(fleet.counters.requests(engram, type: "chat") == 7)
            #expect(fleet.counters.connections(engram) == 1 + 2)
        }
    }

    @Test("warm and stats through the gateway; a second serve for the same socket is refused")
    func warmStatsAndSecondServe() async throws {
        try await withServe { fleet, roster, serve in
            let environment = ["XDG_RUNTIME_DIR": serve.runtime]
            let warm = try await BinaryRunner.run(["warm", "--roster", roster, "--json"], environment: environment)
            #expect(warm.status == 0)
            let rows = try warm.jsonObjects()
            #expect(rows.filter { $0["type"] as? String == "warm" && $0["success"] as? Bool == true }.count == 3)
            #expect(rows.last?["via"] as? String == "gateway")
            _ = try await BinaryRunner.run(["send", "--roster", roster, "x"], environment: environment)
            // The gateway's live health, before it wrote anything to the cache.
            let stats = try await BinaryRunner.run(["stats", "--roster", roster, "--json"], environment: environment)
            #expect(stats.status == 0)
            let entries = try stats.jsonObjects().filter { $0["type"] as? String == "specialist_stats" }
            #expect(entries.count == 3)
            #expect(entries.allSatisfy { ($0["requests"] as? Int ?? 0) >= 2 })

            let second = try await BinaryRunner.run(["serve", "--roster", roster, "--listen", "127.0.0.1:0"], environment: environment)
            #expect(second.status == 69)
            #expect(second.stderr.contains("another teamchat serve is running on \(serve.socketPath)"))
        }
    }

    @Test("a dead or missing control socket falls back to direct mode, silently")
    func fallback() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-dead-\(UUID())").path
            try FileManager.default.createDirectory(
                atPath: runtime + "/teamchat", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                try? FileManager.default.removeItem(atPath: runtime)
            }
            let environment = ["XDG_RUNTIME_DIR": runtime]
            let missing = try await BinaryRunner.run(["send", "--roster", roster, "--json", "hi"], environment: environment)
            #expect(missing.status == 0)
            #expect(missing.stderr.isEmpty)
            #expect(try missing.jsonObjects().last?["via"] == nil)
            // A socket file nobody listens on (a gateway that died).
            #expect(makeDeadSocketFile(at: runtime + "/teamchat/serve.sock"))
            let dead = try await BinaryRunner.run(["send", "--roster", roster, "--json", "hi"], environment: environment)
            #expect(dead.status == 0)
            #expect(dead.stderr.isEmpty)
            #expect(try dead.jsonObjects().last?["replied"] as? Int == 2)
        }
    }

    @Test("a stopped gateway (SIGSTOP) holds nobody: send, stats and warm go direct, each with one warning")
    func stopped() async throws {
        try await withServe { _, roster, serve in
            serve.process.signal(SIGSTOP)
            defer { serve.process.signal(SIGCONT) }
            let environment = ["XDG_RUNTIME_DIR": serve.runtime, "TEAMCHAT_CACHE": serve.runtime + "/client.json"]
            let send = try await BinaryRunner.run(["send", "--roster", roster, "--json", "hi"], environment: environment)
            #expect(send.status == 0, "\(send.stderr)")
            #expect(try send.jsonObjects().last?["via"] == nil)
            #expect(try send.jsonObjects().last?["replied"] as? Int == 3)
            for result in [
                send,
                try await BinaryRunner.run(["stats", "--roster", roster], environment: environment),
                try await BinaryRunner.run(["warm", "--roster", roster], environment: environment),
            ] {
                #expect(result.status == 0, "\(result.stderr)")
                let warnings = result.stderr.split(separator: "\n").filter { $0.contains("warning:") }
                #expect(warnings.count == 1, "\(result.stderr)")
                #expect(warnings.first?.contains("did not answer within 0.2s; going direct") == true, "\(result.stderr)")
            }
        }
    }

    @Test("the control socket: 0600 in a 0700 directory; a shared directory or a plain file at the path is refused (73), left as it is")
    func controlSocketFiles() async throws {
        try await withServe { _, roster, serve in
            let socket = try #require(FileManager.default.attributesOfItem(atPath: serve.socketPath)[.posixPermissions] as? Int)
            #expect(socket == 0o600)
            let directory = try #require(FileManager.default.attributesOfItem(atPath: serve.runtime + "/teamchat")[.posixPermissions] as? Int)
            #expect(directory == 0o700)

            let plain = serve.runtime + "/teamchat/precious.txt"
            #expect(FileManager.default.createFile(atPath: plain, contents: Data("keep me".utf8)))
            let onFile = try await BinaryRunner.run(
                ["serve", "--roster", roster, "--listen", "127.0.0.1:0", "--control-socket", plain])
            #expect(onFile.status == 73)
            #expect(onFile.stderr.contains("exists and is not a socket"))
            #expect(FileManager.default.contents(atPath: plain) == Data("keep me".utf8))

            let shared = serve.runtime + "/shared"
            try FileManager.default.createDirectory(
                atPath: shared, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o775])
            let inShared = try await BinaryRunner.run(
                ["serve", "--roster", roster, "--listen", "127.0.0.1:0", "--control-socket", shared + "/serve.sock"])
            #expect(inShared.status == 73)
            #expect(inShared.stderr.contains("must be 0700"))
            #expect(!FileManager.default.fileExists(atPath: shared + "/serve.sock"))
        }
    }

    @Test("the gateway serves its own team only: another roster's send runs directly")
    func otherTeam() async throws {
        try await withServe { fleet, roster, serve in
            let other = try BinaryRunner.rosterFile(for: fleet)  // the same specialists, another source
            defer { try? FileManager.default.removeItem(atPath: other) }
            let result = try await BinaryRunner.run(["send", "--roster", other, "--json", "hi"], environment: ["XDG_RUNTIME_DIR": serve.runtime])
            #expect(result.status == 0)
            #expect(try result.jsonObjects().last?["via"] == nil)
        }
    }

    @Test("listening beyond loopback needs a token; the token is never logged or written")
    func token() async throws {
        let refused = try await BinaryRunner.run(["serve", "--tekton", "--listen", "0.0.0.0:0", "--no-control-socket"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("needs --token or TEAMCHAT_TOKEN"))

        let token = "planted-token-\(UUID().uuidString)"
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 1)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-tok-\(UUID())").path
            try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                try? FileManager.default.removeItem(atPath: runtime)
            }
            let serve = try await ServeProcess(
                ["--roster", roster, "--log-level", "trace"], runtime: runtime, environment: ["TEAMCHAT_TOKEN": token])
            // Through the control socket (the user's own) no token is needed; the round is logged at trace level.
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--json", "hi"], environment: ["XDG_RUNTIME_DIR": runtime])
            #expect(try result.jsonObjects().last?["via"] as? String == "gateway")
            let (status, stderr) = await serve.stop()
            #expect(status == 0)
            #expect(!stderr.contains(token))
            for file in (try? FileManager.default.subpathsOfDirectory(atPath: runtime)) ?? [] {
                let contents = (try? String(contentsOfFile: runtime + "/" + file, encoding: .utf8)) ?? ""
                #expect(!contents.contains(token), "\(file)")
            }
        }
    }
}

