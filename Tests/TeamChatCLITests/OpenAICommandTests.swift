import Foundation
import TeamChatEngine
import TeamChatFleet
import TeamChatTestSupport
import Testing

@Suite("OpenAI-compatible specialists through the binary", .timeLimit(.minutes(1)))
struct OpenAICommandTests {
    func withFleet(
        _ configurations: [SimulatedSpecialistConfiguration],
        _ body: (Fleet, String, String) async throws -> Void
    ) async throws {
        let fleet = try await Fleet.start(configurations)
        let roster = try BinaryRunner.rosterFile(for: fleet)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-oa-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: roster)
            try? FileManager.default.removeItem(at: directory)
        }
        do {
            try await body(fleet, roster, directory.path)
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    @Test("the API key goes in the Authorization header and nowhere else: not in output, errors, the cache or logs")
    func apiKeyNeverLeaks() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 2, wire: .openai)
        team[1].misbehaviour = .http500  // a careless server that echoes the request's Authorization in its error
        try await withFleet(team) { fleet, _, directory in
            let key = "sk-planted-\(UUID().uuidString)"
            let entries = fleet.specialists.map { specialist -> String in
                guard case .openAI(let endpoint) = specialist.address else { return "" }
                return #"{"id":"\#(specialist.id)","url":"\#(endpoint.origin)","model":"\#(endpoint.model)","api_key_env":"PLANTED_KEY"}"#
            }
            let roster = directory + "/roster.json"
            try Data("[\(entries.joined(separator: ","))]".utf8).write(to: URL(fileURLWithPath: roster))
            let cache = directory + "/cache/specialists.json"
            let environment = ["PLANTED_KEY": key]
            var outputs: [String] = []
            for arguments in [
                ["send", "--roster", roster, "--cache", cache, "hi"], ["send", "--roster", roster, "--cache", cache, "--json", "hi"],
                ["send", "--roster", roster, "--cache", cache, "--stream", "hi"], ["discover", "--roster", roster, "--cache", cache],
                ["send", "--roster", roster, "--cache", cache, "-v", "hi"], ["discover", "--roster", roster, "--cache", cache, "-v"],
                ["warm", "--roster", roster, "--cache", cache, "--json"], ["stats", "--roster", roster, "--cache", cache, "--json"],
            ] {
                let result = try await BinaryRunner.run(arguments, environment: environment)
                outputs += [result.stdout, result.stderr]
            }
            #expect(fleet.counters.authorization(fleet.specialists[0].id) == "Bearer \(key)")
            #expect(outputs.joined().contains("[redacted]"))
            #expect(!outputs.joined().contains(key))
            for file in try FileManager.default.subpathsOfDirectory(atPath: directory) {
                let contents = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))) ?? Data()
                #expect(!String(decoding: contents, as: UTF8.self).contains(key), "\(file)")
            }
            #expect(outputs.joined().contains("engram-ai: hi"))
        }
    }

    @Test("discover --openai makes one specialist per listed model (--model filters), cached like any source")
    func discoverOpenAI() async throws {
        try await withFleet(SimulatedSpecialistConfiguration.team(count: 2, wire: .openai)) { fleet, _, directory in
            let endpoint = try #require(fleet.specialists[0].address.openAIEndpoint)
            let cache = directory + "/specialists.json"
            let found = try await BinaryRunner.run(
                ["discover", "--openai", endpoint.origin.description, "--model", "engram*", "--cache", cache, "--json"])
            #expect(found.status == 0)
            let ids = try found.jsonObjects().compactMap { $0["specialist_id"] as? String }
            #expect(ids == ["engram-sim"])
            let none = try await BinaryRunner.run(
                ["discover", "--openai", endpoint.origin.description, "--model", "nothing*", "--cache", cache])
            #expect(none.status == 69)
            // The source is remembered: a plain send asks the same team.
            let sent = try await BinaryRunner.run(
                ["send", "--openai", endpoint.origin.description, "--model", "engram*", "--cache", cache, "--json", "yo"])
            #expect(try sent.jsonObjects().first?["content"] as? String == "engram-ai: yo")
        }
    }

    @Test("not on a terminal, --stream prints whole answers only; --json prints the chunks")
    func streamedOutput() async throws {
        try await withFleet(SimulatedSpecialistConfiguration.team(count: 3, wire: .openai)) { fleet, roster, directory in
            let human = try await BinaryRunner.run(["send", "--roster", roster, "--no-cache", "--stream", "one two three"])
            #expect(human.status == 0)
            #expect(human.lines.count == 4)
            for specialist in fleet.specialists {
                #expect(human.stdout.components(separatedBy: "\(specialist.id): one two three").count == 2)
            }
            #expect(!human.stdout.contains("…"))
            let json = try await BinaryRunner.run(["send", "--roster", roster, "--no-cache", "--stream", "--json", "one two"])
            #expect(try json.jsonObjects().filter { $0["type"] as? String == "chunk" }.count == 3 * 3)
        }
    }

    @Test("on a terminal, --stream draws a live board and prints each finished answer whole above it")
    func liveBoard() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 2, wire: .openai)
        team[0].latency = .milliseconds(20)
        try await withFleet(team) { fleet, roster, _ in
            let terminal = try PseudoTerminal()
            let process = try terminal.launch(["send", "--roster", roster, "--no-cache", "--stream", "alpha beta gamma"])
            #expect(await terminal.waitFor("2/2 replied"))
            _ = await process.exits()
            let screen = terminal.screen
            #expect(screen.contains("\u{1B}[J"))  // the board was erased and redrawn
            for specialist in fleet.specialists {
                #expect(screen.contains("\(specialist.id): alpha beta gamma"))
            }
        }
    }
}

/// mock-ai-api (PyPI), an OpenAI-compatible server nobody here wrote, started for a test on a port of its own.
final class MockAIServer: Sendable {
    let process: ChildProcess
    let port: Int

    init() async throws {
        // `make test` installs mock-ai-api in a virtual environment and names its Python here.
        let python = ProcessInfo.processInfo.environment["TEAMCHAT_PEER_PYTHON"] ?? "python3"
        process = try ChildProcess.launch(
            "/usr/bin/env", [python, "-m", "uvicorn", "app.openai_app:app", "--host", "127.0.0.1", "--port", "0"],
            output: .discarded)
        // Uvicorn says where it listens once it does, on standard error: read until then (or until it exits: not
        // installed).
        let marker = "Uvicorn running on http://127.0.0.1:"
        let text = await process.errorOutput(containing: marker)
        guard let range = text.range(of: marker),
            let port = Int(text[range.upperBound...].prefix { $0.isNumber }),
            text[range.upperBound...].dropFirst(String(port).count).first != nil
        else {
            await process.kill()
            Issue.record("mock-ai-api did not start (`make peers` installs it in .build-peers; `make test` names it in TEAMCHAT_PEER_PYTHON): \(text)")
            throw CocoaError(.executableNotLoadable)
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/v1" }

    /// Runs `body` with a server of its own, then stops it (SIGKILL: a test server has nothing to save).
    static func with<Value: Sendable>(_ body: (MockAIServer) async throws -> Value) async throws -> Value {
        let server = try await MockAIServer()
        do {
            let value = try await body(server)
            await server.process.kill()
            return value
        } catch {
            await server.process.kill()
            throw error
        }
    }
}

@Suite("Interop with a real OpenAI-compatible server (mock-ai-api from PyPI)", .timeLimit(.minutes(1)))
struct OpenAIInteropTests {
    @Test("a mixed team round, a streamed round and discover --openai against it")
    func interop() async throws {
        try await MockAIServer.with { server in try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
            let tekton = fleet.specialists.compactMap { specialist -> String? in
                guard case .tekton(let host, let port) = specialist.address else { return nil }
                return #"{"id":"\#(specialist.id)","host":"\#(host)","port":\#(port)}"#
            }
            let openai = [
                #"{"id":"gpt","url":"\#(server.url)","model":"gpt-4.1","system":"be brief","max_tokens":64}"#,
                #"{"id":"limited","url":"\#(server.url)","model":"gpt-4.1:mock-429"}"#,
                #"{"id":"broken","url":"\#(server.url)","model":"gpt-4.1:mock-500"}"#,
            ]
            let roster = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-interop-\(UUID()).json")
            try Data("[\((tekton + openai).joined(separator: ","))]".utf8).write(to: roster)
            defer { try? FileManager.default.removeItem(at: roster) }

            let mixed = try await BinaryRunner.run(["send", "--roster", roster.path, "--no-cache", "--json", "hi"])
            #expect(mixed.status == 75)
            let replies = try mixed.jsonObjects().filter { $0["type"] as? String == "reply" }
            func reply(_ id: String) -> [String: Any]? { replies.first { $0["specialist_id"] as? String == id } }
            #expect((reply("gpt")?["content"] as? String)?.isEmpty == false)
            #expect(reply("gpt")?["model"] as? String == "gpt-4.1")
            #expect(reply("engram-ai")?["content"] as? String == "engram-ai: hi")
            #expect(reply("limited")?["error_kind"] as? String == "rate_limited")
            #expect(reply("broken")?["error_kind"] as? String == "http_status")
            #expect(reply("broken")?["status"] as? Int == 500)

            let streamed = try await BinaryRunner.run(
                ["send", "--roster", roster.path, "--no-cache", "--json", "--stream", "--to", "gpt,engram", "hi"])
            #expect(streamed.status == 0)
            let events = try streamed.jsonObjects()
            let chunks = events.filter { $0["type"] as? String == "chunk" && $0["specialist_id"] as? String == "gpt" }
            #expect(!chunks.isEmpty)
            let answer = events.first { $0["type"] as? String == "reply" && $0["specialist_id"] as? String == "gpt" }
            #expect(answer?["content"] as? String == chunks.compactMap { $0["content"] as? String }.joined())

            let discovered = try await BinaryRunner.run(["discover", "--openai", server.url, "--model", "gpt-4*", "--no-cache", "--json"])
            #expect(discovered.status == 0)
            let models = try discovered.jsonObjects().compactMap { $0["specialist_id"] as? String }
            #expect(models.contains("gpt-4.1"))
            #expect(models.allSatisfy { $0.hasPrefix("gpt-4") })
        } }
    }
}
