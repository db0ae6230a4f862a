import Foundation
@testable import teamchat
import TeamChatEngine
import TeamChatFleet
import TeamChatTestSupport
import Testing

@Suite("The interactive prompt, through a real pseudo-terminal", .timeLimit(.minutes(1)))
struct PromptTests {
    @Test("type a message, recall it with the up arrow, complete an @id with Tab, quit; history is written")
    func session() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 3)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-state-\(UUID())")
            defer { try? FileManager.default.removeItem(at: state) }

            let terminal = try PseudoTerminal()
            let process = try terminal.launch(
                ["send", "--roster", roster, "--no-cache"], environment: ["XDG_STATE_HOME": state.path])

            #expect(await terminal.waitFor("teamchat> "))
            terminal.type("hello team\r")
            #expect(await terminal.waitFor("3/3 replied"))
            #expect(terminal.screen.contains("engram-ai: hello team"))
            #expect(await terminal.waitFor("teamchat> ", after: "3/3 replied"))

            terminal.type("\u{1B}[A\r")  // up arrow recalls the last line
            #expect(await terminal.waitFor("3/3 replied", times: 2))
            #expect(fleet.counters.totalRequests(type: "chat") == 6)
            #expect(await terminal.waitFor("teamchat> ", after: "3/3 replied"))

            terminal.type("@her\t")  // completes to @hermes-ai
            terminal.type("only you\r")
            #expect(await terminal.waitFor("1/1 replied"))
            #expect(terminal.screen.contains("hermes-ai: only you"))
            #expect(await terminal.waitFor("teamchat> ", after: "1/1 replied"))
            #expect(fleet.counters.requests("hermes-ai", type: "chat") == 3)
            #expect(fleet.counters.requests("engram-ai", type: "chat") == 2)

            terminal.type("/quit\r")
            #expect(await process.exits())
            #expect(await process.status() == 0)

            let history = state.appendingPathComponent("teamchat/history").path
            let text = try String(contentsOfFile: history, encoding: .utf8)
            #expect(text.contains("hello\\040team"))
            #expect(text.contains("@hermes-ai\\040only\\040you"))
            let mode = try FileManager.default.attributesOfItem(atPath: history)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test(
        "on a terminal without libedit, the prompt says so once and reads plain lines",
        .enabled(if: LibeditHider.launcher != nil, "needs root and a mount namespace to hide libedit from dlopen")
    )
    func withoutLibedit() async throws {
        let launcher = try #require(LibeditHider.launcher)
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 3)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let terminal = try PseudoTerminal()
            let process = try terminal.launch(["send", "--roster", roster, "--no-cache"], launcher: launcher)

            #expect(await terminal.waitFor("no line editing: libedit (libedit.so.2) is not installed; reading plain lines"))
            terminal.type("hello team\r")
            #expect(await terminal.waitFor("3/3 replied"))
            #expect(terminal.screen.contains("engram-ai: hello team"))
            terminal.type("@hermes only you\r")
            #expect(await terminal.waitFor("1/1 replied"))
            #expect(terminal.screen.contains("hermes-ai: only you"))
            terminal.type("/quit\r")
            #expect(await process.exits())
            #expect(await process.status() == 0)
            #expect(!terminal.screen.contains("teamchat> "))
            #expect(terminal.screen.components(separatedBy: "no line editing").count == 2)  // said once
            #expect(fleet.counters.totalRequests(type: "chat") == 4)
        }
    }

    @Test("without a terminal, --interactive reads plain lines: @ids and /commands work, no prompt")
    func plainLines() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let result = try await BinaryRunner.run(
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

@Suite("Prompt commands and completion", .timeLimit(.minutes(1)))
struct PromptParsingTests {
    @Test("lines become messages, addressed messages and commands")
    func parse() {
        #expect(PromptCommand.parse("  hello  ") == .message("hello", to: nil))
        #expect(PromptCommand.parse("@apollo-ai,athena what now") == .message("what now", to: ["apollo-ai", "athena"]))
        #expect(PromptCommand.parse("@apollo @athena what now") == .message("what now", to: ["apollo", "athena"]))
        #expect(PromptCommand.parse("@apollo, @athena,hermes what") == .message("what", to: ["apollo", "athena", "hermes"]))
        #expect(PromptCommand.parse("@apollo") == .invalid("a message is missing after @apollo"))
        #expect(PromptCommand.parse("/quorum 2") == .quorum(2))
        #expect(PromptCommand.parse("/quorum") == .quorum(nil))
        #expect(PromptCommand.parse("/quorum none") == .invalid("/quorum takes a number of specialists, at least 1 (/quorum alone: wait for all)"))
        #expect(PromptCommand.parse("/timeout -1s") == .invalid("/timeout: must not be negative"))
        #expect(PromptCommand.parse("/to a, b") == .to(["a", "b"]))
        #expect(PromptCommand.parse("/to") == .to([]))
        #expect(PromptCommand.parse("/exclude numa") == .exclude(["numa"]))
        #expect(PromptCommand.parse("/timeout 1.5s") == .timeout(.milliseconds(1_500)))
        #expect(PromptCommand.parse("/json on") == .json(true))
        #expect(PromptCommand.parse("/new") == .newConversation)
        #expect(PromptCommand.parse("/history") == .history)
        #expect(PromptCommand.parse("/share apollo, athena") == .share(["apollo", "athena"]))
        #expect(PromptCommand.parse("/roundtable on") == .roundtable(true))
        #expect(PromptCommand.parse("/roundtable off") == .roundtable(false))
        #expect(PromptCommand.parse("/quit") == .quit)
        #expect(PromptCommand.parse("") == .empty)
        for bad in ["@", "@apollo", "/timeout soon", "/json maybe", "/dance", "/share", "/roundtable maybe"] {
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
        // After a complete id, the list goes on with the ids not in it yet: the common part is the comma.
        #expect(PromptCompletion.candidates(line: "@apollo-ai", ids: ids) == ["@apollo-ai,athena-ai", "@apollo-ai,hermes-ai"])
        #expect(PromptCompletion.commonPrefix(PromptCompletion.candidates(line: "@apollo-ai", ids: ids)) == "@apollo-ai,")
        #expect(PromptCompletion.candidates(line: "@apollo-ai,hermes-ai", ids: ids) == ["@apollo-ai,hermes-ai,athena-ai"])
        #expect(PromptCompletion.candidates(line: "/to apollo-ai", ids: ids) == ["apollo-ai,athena-ai", "apollo-ai,hermes-ai"])
        #expect(PromptCompletion.candidates(line: "@apollo-ai,athena-ai,hermes-ai", ids: ids) == ["@apollo-ai,athena-ai,hermes-ai"])
        #expect(PromptCompletion.candidates(line: "@apollo-ai,", ids: ids) == ["@apollo-ai,athena-ai", "@apollo-ai,hermes-ai"])
        // Tab just after a completed id and its space: the list goes on (the space becomes a comma).
        #expect(PromptCompletion.continuesList(line: "@apollo-ai ", ids: ids))
        #expect(PromptCompletion.continuesList(line: "/to apollo-ai,hermes-ai ", ids: ids))
        #expect(!PromptCompletion.continuesList(line: "@apollo-ai,athena-ai,hermes-ai ", ids: ids))  // no one left
        #expect(!PromptCompletion.continuesList(line: "@apollo-ai hello ", ids: ids))
        #expect(!PromptCompletion.continuesList(line: "@apoll ", ids: ids))
        #expect(PromptCompletion.candidates(line: "/st", ids: ids) == ["/stats"])
        #expect(PromptCompletion.candidates(line: "/to her", ids: ids) == ["hermes-ai"])
        #expect(PromptCompletion.candidates(line: "plain wor", ids: ids) == [])
        #expect(PromptCompletion.commonPrefix(["@apollo-ai", "@athena-ai"]) == "@a")
    }
}

/// The prompt as a person uses it: signals, pastes, messages of many lines, addressing, the standing filter.
@Suite("The prompt's keys and signals, through a real pseudo-terminal", .timeLimit(.minutes(1)))
struct PromptKeysTests {
    /// `teamchat send` on a terminal against `fleet`, with its own history directory.
    static func start(_ fleet: Fleet, arguments: [String] = []) throws -> (PseudoTerminal, ChildProcess, URL) {
        let roster = try BinaryRunner.rosterFile(for: fleet)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-state-\(UUID())")
        let terminal = try PseudoTerminal()
        let process = try terminal.launch(
            ["send", "--roster", roster, "--no-cache"] + arguments, environment: ["XDG_STATE_HOME": state.path])
        return (terminal, process, state)
    }

    @Test("Ctrl-C in a Ctrl-R history search returns to the prompt, keeping /to and /timeout; Tab after an @id goes on with a comma list")
    func searchInterruptAndListCompletion() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 3)) { fleet in
            let (terminal, process, state) = try Self.start(fleet)
            defer { try? FileManager.default.removeItem(at: state) }
            #expect(await terminal.waitFor("teamchat> "))
            terminal.type("/to engram-ai\r")
            terminal.type("/timeout 5\r")
            terminal.type("hello\r")
            #expect(await terminal.waitFor("1/1 replied"))
            #expect(await terminal.waitFor("(to engram-ai)> ", after: "1/1 replied"))

            terminal.type("\u{12}hel")  // Ctrl-R, searching back for "hel"
            #expect(await terminal.waitFor("hel", after: "1/1 replied"))
            process.signal(SIGINT)
            #expect(await terminal.waitFor("^C", after: "1/1 replied"))
            #expect(await terminal.waitFor("(to engram-ai)> ", after: "^C"), "\(terminal.screen.debugDescription)")
            #expect(process.isRunning)
            terminal.type("again\r")
            #expect(await terminal.waitFor("1/1 replied", times: 2), "\(terminal.screen.debugDescription)")
            #expect(fleet.counters.requests("engram-ai", type: "chat") == 2)  // /to held
            #expect(fleet.counters.totalRequests(type: "chat") == 2)
            #expect(await terminal.waitFor("(to engram-ai)> ", after: "engram-ai: again"))

            // @her, Tab: "@hermes-ai "; Tab again: "@hermes-ai,"; eng, Tab: "@hermes-ai,engram-ai " (libedit redraws
            // only what changed, so the screen never holds the line whole: what was asked of whom says it).
            terminal.type("/to\r")  // everyone again
            #expect(await terminal.waitFor("teamchat> ", after: "engram-ai: again"))
            terminal.type("@her\t")
            terminal.type("\t")
            terminal.type("eng\t")
            terminal.type("both of you\r")
            #expect(await terminal.waitFor("2/2 replied"), "\(terminal.screen.suffix(400).debugDescription)")
            #expect(terminal.screen.contains("hermes-ai: both of you") && terminal.screen.contains("engram-ai: both of you"))
            #expect(fleet.counters.requests("ergon-ai", type: "chat") == 0)
            #expect(await terminal.waitFor("teamchat> ", after: "2/2 replied"))
            terminal.type("\u{04}")
            #expect(await process.exits())
        }
    }

    @Test("Ctrl-C drops the line being typed and gives a fresh prompt; Ctrl-D leaves on a line of its own")
    func interruptAndEnd() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 3)) { fleet in
            let (terminal, process, state) = try Self.start(fleet)
            defer { try? FileManager.default.removeItem(at: state) }
            #expect(await terminal.waitFor("teamchat> "))
            terminal.type("half a thought")
            #expect(await terminal.waitFor("half a thought"))
            process.signal(SIGINT)  // what the terminal sends for Ctrl-C
            #expect(await terminal.waitFor("^C"))
            #expect(await terminal.waitFor("teamchat> ", after: "^C"))
            terminal.type("hello\r")
            #expect(await terminal.waitFor("3/3 replied"))
            #expect(terminal.screen.contains("engram-ai: hello"))
            #expect(!terminal.screen.contains("half a thoughthello"))
            #expect(fleet.counters.totalRequests(type: "chat") == 3)
            #expect(process.isRunning)

            #expect(await terminal.waitFor("teamchat> ", after: "3/3 replied"))
            terminal.type("\u{04}")  // Ctrl-D
            #expect(await process.exits())
            #expect(await process.status() == 0)
            let tail = terminal.screen.components(separatedBy: "teamchat> ").last ?? ""
            #expect(tail.hasSuffix("\r\n"), "no new line after Ctrl-D: \(tail.debugDescription)")
        }
    }

    @Test("SIGTERM at the prompt leaves at once")
    func terminate() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
            let (terminal, process, state) = try Self.start(fleet)
            defer { try? FileManager.default.removeItem(at: state) }
            #expect(await terminal.waitFor("teamchat> "))
            terminal.type("typing")
            #expect(await terminal.waitFor("typing"))
            process.signal(SIGTERM)
            #expect(await process.exits())
            #expect(await process.status() == 130)
            #expect(fleet.counters.totalRequests(type: "chat") == 0)
        }
    }

    @Test("a paste, a \"\"\" block and a line ending in \\ are each one message; @a @b addresses both")
    func manyLines() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 3)) { fleet in
            let (terminal, process, state) = try Self.start(fleet)
            defer { try? FileManager.default.removeItem(at: state) }
            #expect(await terminal.waitFor("teamchat> "))
            // A bracketed paste of two lines (the terminal wraps what is pasted in these markers), then Enter.
            terminal.type("\u{1B}[200~pasted one\npasted two\u{1B}[201~\r")
            #expect(await terminal.waitFor("3/3 replied"))
            #expect(fleet.counters.totalRequests(type: "chat") == 3)
            #expect(terminal.screen.contains("engram-ai: pasted one"))
            #expect(await terminal.waitFor("teamchat> ", after: "3/3 replied"))

            terminal.type("\"\"\"\r")
            #expect(await terminal.waitFor("... "))
            terminal.type("block one\r")
            terminal.type("block two\r")
            terminal.type("\"\"\"\r")
            #expect(await terminal.waitFor("3/3 replied", times: 2))
            #expect(fleet.counters.totalRequests(type: "chat") == 6)
            #expect(terminal.screen.contains("engram-ai: block one"))
            #expect(await terminal.waitFor("teamchat> ", after: "3/3 replied"))

            terminal.type("first half \\\r")
            terminal.type("second half\r")
            #expect(await terminal.waitFor("3/3 replied", times: 3))
            #expect(fleet.counters.totalRequests(type: "chat") == 9)
            #expect(await terminal.waitFor("teamchat> ", after: "3/3 replied"))

            terminal.type("@engram @hermes just you two\r")
            #expect(await terminal.waitFor("2/2 replied"))
            #expect(fleet.counters.requests("engram-ai", type: "chat") == 4)
            #expect(fleet.counters.requests("ergon-ai", type: "chat") == 3)
            #expect(await terminal.waitFor("teamchat> ", after: "2/2 replied"))

            terminal.type("/quit\r")
            #expect(await process.exits())
            #expect(await process.status() == 0)
        }
    }

    @Test("the prompt shows /to, /exclude and /quorum, each confirmed; --to with a comma list works as in one-shot")
    func standingFilter() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 4)) { fleet in
            let (terminal, process, state) = try Self.start(fleet, arguments: ["--to", "engram,hermes,ergon"])
            defer { try? FileManager.default.removeItem(at: state) }
            #expect(await terminal.waitFor("teamchat (to engram,hermes,ergon)> "))
            terminal.type("/exclude ergon\r")
            #expect(await terminal.waitFor("teamchat: excluding ergon"))
            #expect(await terminal.waitFor("teamchat (to engram,hermes,ergon; not ergon)> "))
            terminal.type("/quorum 1\r")
            #expect(await terminal.waitFor("teamchat: each round ends once 1 have answered"))
            #expect(await terminal.waitFor("teamchat (to engram,hermes,ergon; not ergon; quorum 1)> "))
            terminal.type("/quorum\r")
            #expect(await terminal.waitFor("teamchat: waiting for everyone"))
            terminal.type("/json on\r")
            #expect(await terminal.waitFor("teamchat: printing NDJSON events"))
            terminal.type("hi\r")
            #expect(await terminal.waitFor(#""addressed":2"#))
            #expect(await terminal.waitFor("> ", after: #""addressed":2"#))
            #expect(fleet.counters.requests("ergon-ai", type: "chat") == 0)
            #expect(fleet.counters.requests("ergon-ai", type: "chat") == 0)
            terminal.type("/quit\r")
            #expect(await process.exits())
            #expect(await process.status() == 0)
        }
    }
}

/// What a terminal shows while a round waits, and how long answers fit it.
@Suite("Waiting and wrapping, through a real pseudo-terminal", .timeLimit(.minutes(1)))
struct WaitingTests {
    @Test("a transient line says who is still pending and for how long, then is erased; never on a pipe")
    func waitingLine() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 3)
        team[2].misbehaviour = .hang
        try await Fleet.withRunning(team) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let terminal = try PseudoTerminal()
            let process = try terminal.launch(["send", "--roster", roster, "--no-cache", "--direct", "--timeout", "700ms", "hello"])
            #expect(await terminal.waitFor("waiting for ergon-ai · 0."))
            #expect(await terminal.waitFor(" s of 0.7 s"))
            #expect(await terminal.waitFor("2/3 replied"))
            #expect(await process.exits())
            // Erased before the summary: the last "waiting" is followed by the erase sequence.
            let screen = terminal.screen
            let afterLast = screen.components(separatedBy: "waiting for ergon-ai").last ?? ""
            #expect(afterLast.contains("\r\u{1B}[K"))
            // Once a specialist has answered, no later line waits for it (before it answers, one may: a loaded
            // machine can take longer than the first tick).
            for id in ["engram-ai", "hermes-ai"] {
                let afterAnswer = screen.components(separatedBy: "\(id): hello").dropFirst().joined()
                let waitedFor = afterAnswer.components(separatedBy: "waiting for ").dropFirst()
                    .map { $0.components(separatedBy: " · ").first ?? "" }
                #expect(screen.contains("\(id): hello"))
                #expect(!waitedFor.contains { $0.contains(id) }, "\(id) was waited for after it answered")
            }

            let piped = try await BinaryRunner.run(
                ["send", "--roster", roster, "--no-cache", "--direct", "--timeout", "300ms", "hello"])
            #expect(!piped.stderr.contains("waiting for"))
            #expect(!piped.stdout.contains("waiting for"))
        }
    }

    @Test("long answers are wrapped to the terminal under a hanging indent; on a pipe, left whole")
    func wrapping() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 1)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let words = (1...60).map { "word\($0)" }.joined(separator: " ")
            let terminal = try PseudoTerminal()  // 120 columns
            let process = try terminal.launch(["send", "--roster", roster, "--no-cache", "--direct", words])
            #expect(await terminal.waitFor("1/1 replied"))
            #expect(await process.exits())
            let lines = terminal.screen.components(separatedBy: "\r\n").filter { $0.contains("word") }
            #expect(lines.count >= 4, "\(lines)")
            #expect(lines.allSatisfy { $0.count <= 120 })
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 21)) })
            #expect(lines.joined(separator: " ").contains("word59 word60"))

            let piped = try await BinaryRunner.run(["send", "--roster", roster, "--no-cache", "--direct", words])
            #expect(piped.lines.count == 2)  // the answer on one line, and the summary
            #expect(piped.lines[0].hasSuffix("word60"))
        }
    }

    @Test("wrapping keeps line breaks and long words, and the waiting line lists what fits")
    func units() {
        #expect(TextWrapping.wrap("a b c d e", width: 3) == ["a b", "c d", "e"])
        #expect(TextWrapping.wrap("short\nhttps://example.com/a/very/long/path x", width: 10)
            == ["short", "https://example.com/a/very/long/path", "x"])
        #expect(TextWrapping.wrap("", width: 5) == [""])
        #expect(HumanRoundRenderer.names(["a", "b", "c"], room: 40) == "a, b, c")
        #expect(HumanRoundRenderer.names(["alpha", "beta", "gamma", "delta"], room: 22) == "alpha, beta and 2 more")
        #expect(HumanRoundRenderer.names(["alpha", "beta", "gamma", "delta"], room: 20) == "alpha and 3 more")
    }
}

@Suite("Progress of long commands, through a real pseudo-terminal", .timeLimit(.minutes(1)))
struct ProgressTests {
    @Test("discover over a scan says how far it got on a terminal, then erases the line; never with --json")
    func discoverProgress() async throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-progress-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: cache) }
        // Ports nobody listens on: each probe is refused at once.
        let range = try #require(ReservedRange.hold(width: 41))
        defer { range.release() }
        let scan = range.scan
        let terminal = try PseudoTerminal()
        let process = try terminal.launch(["discover", "--cache", cache.path, "--scan", scan])
        #expect(await terminal.waitFor("probing scan:\(scan): 41 of 41"))
        #expect(await process.exits())
        let after = terminal.screen.components(separatedBy: "41 of 41").last ?? ""
        #expect(after.hasPrefix("\r\u{1B}[K"), "the progress line was not erased: \(after.debugDescription)")

        let json = try await BinaryRunner.run(["discover", "--cache", cache.path, "--scan", scan, "--json"])
        #expect(!json.stderr.contains("probing"))
    }
}

/// Runs a program where libedit cannot be loaded: in a mount namespace of its own (`unshare --mount`, private
/// propagation, so nothing leaks to the machine), with an empty file mounted over the library every name of it
/// resolves to. Needs root; `launcher` is nil where that cannot be done.
enum LibeditHider {
    static let launcher: [String]? = {
        guard geteuid() == 0, let library = installedLibrary,
            FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
        else { return nil }
        // The shell gets the library as $0 and the program with its arguments as "$@".
        let launcher = ["/usr/bin/unshare", "--mount", "/bin/sh", "-c", #"mount --bind /dev/null "$0" && exec "$@""#, library]
        let arguments = Array(launcher.dropFirst()) + ["/bin/true"]
        guard let probe = try? Process.run(URL(fileURLWithPath: launcher[0]), arguments: arguments) else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? launcher : nil
    }()

    /// The file libedit.so.2 resolves to, where Debian and the other common layouts keep it.
    private static var installedLibrary: String? {
        for directory in ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64"] {
            let path = directory + "/libedit.so.2"
            if FileManager.default.fileExists(atPath: path) {
                return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            }
        }
        return nil
    }
}
