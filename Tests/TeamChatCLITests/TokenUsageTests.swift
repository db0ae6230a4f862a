import Foundation
import TeamChatFleet
import TeamChatTestSupport
import Testing

@Suite("Usage accounting: tokens as each server reported them, never guessed", .timeLimit(.minutes(1)))
struct TokenUsageTests {
    /// model-ai (OpenAI-compatible: reports usage, counting words) and engram-ai (Tekton: reports none).
    private func withTeam(_ body: (Fleet, String, String) async throws -> Void) async throws {
        var openai = SimulatedSpecialistConfiguration.team(count: 1, wire: .openai)[0]
        openai.id = "model-ai"
        openai.reply = .fixed("three word answer")
        let team = [openai, SimulatedSpecialistConfiguration(id: "engram-ai")]
        try await Fleet.withRunning(team) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-usage-\(UUID()).db").path
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: log + suffix) }
            }
            try await body(fleet, roster, log)
        }
    }

    @Test("per answer, in the summary (partial when a server said nothing), in the summary line and in the log; streamed too")
    func accounting() async throws {
        try await withTeam { fleet, roster, log in
            for stream in [false, true] {
                let sent = try await BinaryRunner.run(
                    ["send", "--roster", roster, "--json", "four words in this"] + (stream ? ["--stream"] : []),
                    environment: ["TEAMCHAT_LOG": log])
                #expect(sent.status == 0, "\(sent.stderr)")
                let events = try sent.jsonObjects()
                let model = try #require(events.first { $0["specialist_id"] as? String == "model-ai" && $0["type"] as? String == "reply" })
                let usage = try #require(model["usage"] as? [String: Any], "stream: \(stream)")
                #expect(usage["prompt_tokens"] as? Int == 4 && usage["completion_tokens"] as? Int == 3)
                let engram = try #require(events.first { $0["specialist_id"] as? String == "engram-ai" && $0["type"] as? String == "reply" })
                #expect(engram["usage"] == nil)  // a Tekton specialist reports none: none is made up
                let summary = try #require(events.last?["usage"] as? [String: Any])
                #expect(summary["total_tokens"] as? Int == 7 && summary["partial"] as? Bool == true && summary["unreported"] as? Int == 1)
            }
            // The request asked for the streamed usage.
            #expect(fleet.counters.lastChat("model-ai")?.contains(#""stream_options":{"include_usage":true}"#) == true)

            let human = try await BinaryRunner.run(["send", "--roster", roster, "--no-log", "four words in this"])
            #expect(human.lines.last?.contains(" · 7 tokens (1 unreported) · ") == true, "\(human.stdout)")

            // Priced where teams.json prices the model; the Tekton answer cannot be: the total is partial, never $0.
            let teams = (log as NSString).deletingPathExtension + "-teams.json"
            defer { try? FileManager.default.removeItem(atPath: teams) }
            try #"{"teams": {}, "prices": {"engram-sim": {"prompt": 1.0, "completion": 2.0}}}"#
                .write(toFile: teams, atomically: true, encoding: .utf8)
            let priced = try await BinaryRunner.run(["send", "--roster", roster, "--config", teams, "--no-log", "--json", "four words in this"])
            let pricedEvents = try priced.jsonObjects()
            #expect(pricedEvents.first { $0["specialist_id"] as? String == "model-ai" }?["cost_usd"] as? Double == 0.00001)
            #expect(pricedEvents.first { $0["specialist_id"] as? String == "engram-ai" }?["cost_usd"] == nil)
            #expect(pricedEvents.last?["cost_usd"] as? Double == 0.00001 && pricedEvents.last?["cost_partial"] as? Bool == true)
            let words = try await BinaryRunner.run(["send", "--roster", roster, "--config", teams, "--no-log", "four words in this"])
            #expect(words.lines.last?.contains(" · $0.000010 (partial) · ") == true, "\(words.stdout)")
            try #"{"teams": {}, "prices": {"other-model": {"prompt": 1.0, "completion": 2.0}}}"#
                .write(toFile: teams, atomically: true, encoding: .utf8)
            let unpriced = try await BinaryRunner.run(["send", "--roster", roster, "--config", teams, "--no-log", "four words in this"])
            #expect(unpriced.lines.last?.contains(" · cost — · ") == true, "\(unpriced.stdout)")

            let listed = try await BinaryRunner.run(["log", "--json"], environment: ["TEAMCHAT_LOG": log])
            let id = try #require(try listed.jsonObjects().first?["id"] as? String)
            let shown = try await BinaryRunner.run(["log", "show", "--json", id], environment: ["TEAMCHAT_LOG": log])
            let answers = try #require(try shown.jsonObjects().first?["answers"] as? [[String: Any]])
            let kept = try #require(answers.first { $0["specialist_id"] as? String == "model-ai" })
            #expect(kept["prompt_tokens"] as? Int == 4 && kept["completion_tokens"] as? Int == 3)
        }
    }
}

extension TokenUsageTests {
    @Test("bench's rows and stats show the tokens each server reported, and their cost where priced (— where not)")
    func benchAndStats() async throws {
        try await withTeam { fleet, roster, log in
            let teams = log + "-teams.json"
            defer { try? FileManager.default.removeItem(atPath: teams) }
            try #"{"teams": {}, "prices": {"engram-sim": {"prompt": 1.0, "completion": 2.0}}}"#
                .write(toFile: teams, atomically: true, encoding: .utf8)
            let bench = try await BinaryRunner.run(
                ["bench", "--roster", roster, "--config", teams, "--rounds", "3", "--warmup", "0", "--message", "four words in this"])
            #expect(bench.status == 0, "\(bench.stderr)")
            #expect(bench.stdout.contains("TOKENS IN/OUT"), "\(bench.stdout)")
            // Three rounds of 4 words asked and 3 answered; at $1 and $2 per million.
            let model = bench.lines.first { $0.hasPrefix("  model-ai") }
            #expect(model?.contains(" 12/9 ") == true && model?.contains("$0.000030") == true, "\(bench.stdout)")
            let socket = bench.lines.first { $0.hasPrefix("  engram-ai") }
            #expect(socket?.contains("—") == true && socket?.contains("$") == false, "\(bench.stdout)")

            let cache = log + "-cache.json"
            defer { try? FileManager.default.removeItem(atPath: cache) }
            for _ in 0..<2 {
                let sent = try await BinaryRunner.run(
                    ["send", "--roster", roster, "--cache", cache, "four words in this"], environment: ["TEAMCHAT_LOG": log])
                #expect(sent.status == 0)
            }
            let stats = try await BinaryRunner.run(
                ["stats", "--roster", roster, "--cache", cache, "--config", teams], environment: ["TEAMCHAT_LOG": log])
            #expect(stats.status == 0, "\(stats.stderr)")
            let row = stats.lines.first { $0.hasPrefix("model-ai") }
            #expect(row?.contains(" 8/6 ") == true && row?.contains("$0.000020") == true, "\(stats.stdout)")
            let json = try await BinaryRunner.run(
                ["stats", "--roster", roster, "--cache", cache, "--json"], environment: ["TEAMCHAT_LOG": log])
            let lines = try json.jsonObjects()
            let modelStats = try #require(lines.first { $0["specialist_id"] as? String == "model-ai" })
            #expect(modelStats["prompt_tokens"] as? Int == 8 && modelStats["completion_tokens"] as? Int == 6)
            #expect(lines.first { $0["specialist_id"] as? String == "engram-ai" }?["prompt_tokens"] == nil)
        }
    }
}
