import Foundation
@testable import teamchat
import TeamChatCore
import TeamChatFleet
import Testing

@Suite("The interactive prompt, through a real pseudo-terminal")
struct PromptTests {
    @Test("type a message, recall it with the up arrow, complete an @id with Tab, quit; history is written")
    func session() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 3)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-state-\(UUID())")
            defer { try? FileManager.default.removeItem(at: state) }

            let terminal = try PseudoTerminal()
            let process = Process()
            process.executableURL = BinaryRunner.binary
            process.arguments = ["send", "--roster", roster, "--no-cache"]
            var environment = ProcessInfo.processInfo.environment
            environment["TERM"] = "xterm"
            environment["NO_COLOR"] = "1"
            environment["XDG_STATE_HOME"] = state.path
            process.environment = environment
            process.standardInput = terminal.terminal
            process.standardOutput = terminal.terminal
            process.standardError = terminal.terminal
            try process.run()

            #expect(terminal.waitFor("teamchat> "))
            terminal.type("hello team\r")
            #expect(terminal.waitFor("3/3 replied"))
            #expect(terminal.screen.contains("engram-ai: hello team"))

            terminal.type("\u{1B}[A\r")  // up arrow recalls the last line
            #expect(terminal.waitFor("3/3 replied", times: 2))
            #expect(fleet.counters.totalRequests(type: "chat") == 6)

            terminal.type("@her\t")  // completes to @hermes-ai
            terminal.type("only you\r")
            #expect(terminal.waitFor("1/1 replied"))
            #expect(terminal.screen.contains("hermes-ai: only you"))
            #expect(fleet.counters.requests("hermes-ai", type: "chat") == 3)
            #expect(fleet.counters.requests("engram-ai", type: "chat") == 2)

            terminal.type("/quit\r")
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)

            let history = state.appendingPathComponent("teamchat/history").path
            let text = try String(contentsOfFile: history, encoding: .utf8)
            #expect(text.contains("hello\\040team"))
            #expect(text.contains("@hermes-ai\\040only\\040you"))
            let mode = try FileManager.default.attributesOfItem(atPath: history)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("without a terminal, --interactive reads plain lines: @ids and /commands work, no prompt")
    func plainLines() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let result = try BinaryRunner.run(
                ["send", "--roster", roster, "--interactive", "--no-cache"],
                input: "/json on\n@engram first\n/bogus\n/to hermes\nsecond\n/quit\nnever sent\n")
            #expect(result.status == 0)
            #expect(!result.stdout.contains("teamchat> "))
            #expect(result.stderr.contains("unknown command /bogus"))
            let replies = try result.jsonObjects().filter { $0["type"] as? String == "reply" }
            #expect(replies.compactMap { $0["content"] as? String } == ["engram-ai: first", "hermes-ai: second"])
            #expect(fleet.counters.totalRequests(type: "chat") == 2)
        }
    }
}

@Suite("Prompt commands and completion")
struct PromptParsingTests {
    @Test("lines become messages, addressed messages and commands")
    func parse() {
        #expect(PromptCommand.parse("  hello  ") == .message("hello", to: nil))
        #expect(PromptCommand.parse("@apollo-ai,athena what now") == .message("what now", to: ["apollo-ai", "athena"]))
        #expect(PromptCommand.parse("/to a, b") == .to(["a", "b"]))
        #expect(PromptCommand.parse("/to") == .to([]))
        #expect(PromptCommand.parse("/exclude numa") == .exclude(["numa"]))
        #expect(PromptCommand.parse("/timeout 1.5s") == .timeout(.milliseconds(1_500)))
        #expect(PromptCommand.parse("/json on") == .json(true))
        #expect(PromptCommand.parse("/quit") == .quit)
        #expect(PromptCommand.parse("") == .empty)
        for bad in ["@", "@apollo", "/timeout soon", "/json maybe", "/dance"] {
            guard case .invalid = PromptCommand.parse(bad) else {
                Issue.record("'\(bad)' should be invalid")
                continue
            }
        }
    }

    @Test("Tab completes @ids (also after commas), /commands, and ids after /to")
    func completion() {
        let ids = ["apollo-ai", "athena-ai", "hermes-ai"]
        #expect(PromptCompletion.candidates(line: "@a", ids: ids) == ["@apollo-ai", "@athena-ai"])
        #expect(PromptCompletion.candidates(line: "@apollo-ai,h", ids: ids) == ["@apollo-ai,hermes-ai"])
        #expect(PromptCompletion.candidates(line: "/st", ids: ids) == ["/stats"])
        #expect(PromptCompletion.candidates(line: "/to her", ids: ids) == ["hermes-ai"])
        #expect(PromptCompletion.candidates(line: "plain wor", ids: ids) == [])
        #expect(PromptCompletion.commonPrefix(["@apollo-ai", "@athena-ai"]) == "@a")
    }
}
