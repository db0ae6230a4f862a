import Foundation
import TeamChatFleet
import TeamChatRoster
import TeamChatTestSupport
import Testing

@Suite("Conversations: each specialist's own thread", .timeLimit(.minutes(1)))
struct ConversationTests {
    /// engram-ai (Tekton) answers, hermes-ai (Tekton) fails every chat, and an OpenAI-compatible member answers.
    private func withTeam(_ body: (Fleet, String, String) async throws -> Void) async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 2)
        team[1].misbehaviour = .error
        var openai = SimulatedSpecialistConfiguration.team(count: 3, wire: .openai)[2]
        openai.id = "model-ai"
        team.append(openai)
        try await Fleet.withRunning(team) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-conv-\(UUID())").path
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                try? FileManager.default.removeItem(atPath: directory)
            }
            try await body(fleet, roster, directory + "/log.db")
        }
    }

    private func json(_ text: String?) throws -> [String: Any] {
        let text = try #require(text)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A thread as (role, content) pairs.
    private func turns(_ list: Any?) -> [[String]] {
        ((list as? [[String: Any]]) ?? []).map { [$0["role"] as? String ?? "", $0["content"] as? String ?? ""] }
    }

    @Test("turn 3: each member is sent its own earlier turns (Tekton history, OpenAI messages), a failed turn without its answer")
    func thirdTurn() async throws {
        try await withTeam { fleet, roster, log in
            let environment = ["TEAMCHAT_LOG": log]
            let ids = fleet.specialists.map(\.id)
            _ = try await BinaryRunner.run(["send", "--roster", roster, "--conversation", "talk", "one"], environment: environment)
            _ = try await BinaryRunner.run(["send", "--roster", roster, "-c", "two"], environment: environment)
            let third = try await BinaryRunner.run(["send", "--roster", roster, "--continue", "three"], environment: environment)
            #expect(third.status == 75, "\(third.stderr)")  // hermes-ai fails every chat

            let tekton = try json(fleet.counters.lastChat(ids[0]))
            #expect(tekton["content"] as? String == "three")
            #expect(turns(tekton["history"]) == [
                ["user", "one"], ["assistant", "\(ids[0]): one"], ["user", "two"], ["assistant", "\(ids[0]): two"],
            ])
            // hermes-ai answered nothing: its thread holds the questions only, and never another's answer.
            let failing = try json(fleet.counters.lastChat(ids[1]))
            #expect(turns(failing["history"]) == [["user", "one"], ["user", "two"]])
            let openai = try json(fleet.counters.lastChat(ids[2]))
            #expect(turns(openai["messages"]) == [
                ["user", "one"], ["assistant", "\(ids[2]): one"], ["user", "two"], ["assistant", "\(ids[2]): two"],
                ["user", "three"],
            ])

            // A round with neither flag is a conversation of its own: no past is sent.
            _ = try await BinaryRunner.run(["send", "--roster", roster, "fresh"], environment: environment)
            #expect(try json(fleet.counters.lastChat(ids[0]))["history"] == nil)
            #expect(turns(try json(fleet.counters.lastChat(ids[2]))["messages"]) == [["user", "fresh"]])
            // …and -c now continues that one.
            _ = try await BinaryRunner.run(["send", "--roster", roster, "-c", "and then?"], environment: environment)
            #expect(turns(try json(fleet.counters.lastChat(ids[0]))["history"]) == [["user", "fresh"], ["assistant", "\(ids[0]): fresh"]])
        }
    }

    @Test("--share gives everyone one answer of the last round, attributed; --roundtable each the others'; never their own")
    func sharing() async throws {
        try await withTeam { fleet, roster, log in
            let environment = ["TEAMCHAT_LOG": log]
            let ids = fleet.specialists.map(\.id)  // engram answers, hermes fails, model-ai (OpenAI) answers
            _ = try await BinaryRunner.run(["send", "--roster", roster, "--conversation", "s", "one"], environment: environment)
            let shared = try await BinaryRunner.run(
                ["send", "--roster", roster, "-c", "--share", ids[0], "two"], environment: environment)
            #expect(!shared.stderr.contains("to share"), "\(shared.stderr)")
            let intro = "Others on the team answered the last message:\n\n"
            // model-ai is given engram's answer after its own thread; engram is not given its own.
            #expect(turns(try json(fleet.counters.lastChat(ids[2]))["messages"]) == [
                ["user", "one"], ["assistant", "\(ids[2]): one"], ["user", intro + "[\(ids[0])]: \(ids[0]): one"], ["user", "two"],
            ])
            #expect(turns(try json(fleet.counters.lastChat(ids[0]))["history"]) == [["user", "one"], ["assistant", "\(ids[0]): one"]])
            // Shared once: the next round without --share gives nobody's.
            _ = try await BinaryRunner.run(["send", "--roster", roster, "-c", "three"], environment: environment)
            #expect(!(fleet.counters.lastChat(ids[2]) ?? "").contains("Others on the team"))
            // The roundtable: each is given every other answer of the last round (hermes gave none).
            _ = try await BinaryRunner.run(["send", "--roster", roster, "-c", "--roundtable", "four"], environment: environment)
            let engram = turns(try json(fleet.counters.lastChat(ids[0]))["history"])
            #expect(engram.last == ["user", intro + "[\(ids[2])]: \(ids[2]): three"])
            let failing = turns(try json(fleet.counters.lastChat(ids[1]))["history"])
            #expect(failing.last == ["user", intro + "[\(ids[0])]: \(ids[0]): three\n\n[\(ids[2])]: \(ids[2]): three"])
            // Sharing an answer that is not there is said; sharing needs a conversation.
            let nothing = try await BinaryRunner.run(["send", "--roster", roster, "-c", "--share", ids[1], "five"], environment: environment)
            #expect(nothing.stderr.contains("no answer of \(ids[1]) in the conversation's last round to share"))
            let alone = try await BinaryRunner.run(["send", "--roster", roster, "--share", ids[0], "six"], environment: environment)
            #expect(alone.status == 64)
        }
    }

    @Test("a member whose roster entry says \"context\": \"server\" is sent no thread; the others are")
    func serverContext() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
            var members = fleet.specialists
            members[1].keepsOwnContext = true
            let roster = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-ctx-\(UUID()).json").path
            try RosterFile.encode(members).write(to: URL(fileURLWithPath: roster))
            #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: roster)), as: UTF8.self).contains(#""context":"server""#))
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-ctx-\(UUID()).db").path
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: log + suffix) }
            }
            _ = try await BinaryRunner.run(["send", "--roster", roster, "--conversation", "c", "one"], environment: ["TEAMCHAT_LOG": log])
            _ = try await BinaryRunner.run(["send", "--roster", roster, "-c", "two"], environment: ["TEAMCHAT_LOG": log])
            #expect(try json(fleet.counters.lastChat(members[0].id))["history"] != nil)
            #expect(try json(fleet.counters.lastChat(members[1].id))["history"] == nil)
            #expect(try json(fleet.counters.lastChat(members[1].id))["content"] as? String == "two")
        }
    }

    @Test("a send killed (SIGKILL) mid-round loses that round only: the log opens, the rounds before it are there")
    func killedMidRound() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 2)
        team[1].misbehaviour = .hang
        try await Fleet.withRunning(team) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-kill-\(UUID()).db").path
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: log + suffix) }
            }
            let environment = ["TEAMCHAT_LOG": log]
            let first = try await BinaryRunner.run(
                ["send", "--roster", roster, "--to", fleet.specialists[0].id, "--conversation", "k", "kept"], environment: environment)
            #expect(first.status == 0)
            let (process, cache) = try BinaryRunner.launch(
                ["send", "--roster", roster, "-c", "--timeout", "30s", "lost"], environment: environment)
            defer { try? FileManager.default.removeItem(at: cache) }
            // Mid-round: the hung member has the question.
            #expect(await eventually { fleet.counters.requests(fleet.specialists[1].id, type: "chat") == 1 })
            process.signal(SIGKILL)
            #expect(await process.exits())
            let listed = try await BinaryRunner.run(["log", "--json"], environment: environment)
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(try listed.jsonObjects().map { $0["message"] as? String } == ["kept"])
            #expect(!FileManager.default.fileExists(atPath: log + ".bad"))
        }
    }

    @Test("-c with nothing to continue says so (69); with --no-log it is a usage error (64)")
    func errors() async throws {
        try await withTeam { _, roster, log in
            let nothing = try await BinaryRunner.run(["send", "--roster", roster, "-c", "hi"], environment: ["TEAMCHAT_LOG": log])
            #expect(nothing.status == 69)
            #expect(nothing.stderr.contains("no conversation to continue"))
            let off = try await BinaryRunner.run(["send", "--roster", roster, "-c", "--no-log", "hi"])
            #expect(off.status == 64)
            let both = try await BinaryRunner.run(["send", "--roster", roster, "-c", "--conversation", "x", "hi"])
            #expect(both.status == 64)
            let bad = try await BinaryRunner.run(["send", "--roster", roster, "--conversation", "no spaces", "hi"])
            #expect(bad.status == 64)
        }
    }

    @Test("stdin rounds with --conversation continue one another")
    func pipedRounds() async throws {
        try await withTeam { fleet, roster, log in
            let piped = try await BinaryRunner.run(
                ["send", "--roster", roster, "--conversation", "pipe"], input: "first\nsecond\n", environment: ["TEAMCHAT_LOG": log])
            #expect(piped.status == 75)
            let engram = fleet.specialists[0].id
            #expect(turns(try json(fleet.counters.lastChat(engram))["history"]) == [["user", "first"], ["assistant", "\(engram): first"]])
        }
    }
}

@Suite("A message from the command line, standard input and files", .timeLimit(.minutes(1)))
struct MessageInputTests {
    @Test("message then standard input then each --file, a blank line between; '-' is standard input alone")
    func composed() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 1)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let attached = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-att-\(UUID()).txt").path
            #expect(FileManager.default.createFile(atPath: attached, contents: Data("line one\nline two\n".utf8)))
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                try? FileManager.default.removeItem(atPath: attached)
            }
            let id = fleet.specialists[0].id
            func sent() throws -> String? {
                guard let line = fleet.counters.lastChat(id) else { return nil }
                return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["content"] as? String
            }
            let both = try await BinaryRunner.run(["send", "--roster", roster, "explain", "--file", attached], input: "piped text\n")
            #expect(both.status == 0, "\(both.stderr)")
            #expect(try sent() == "explain\n\npiped text\n\nline one\nline two")
            let dash = try await BinaryRunner.run(["send", "--roster", roster, "-"], input: "all of it\nhere\n")
            #expect(dash.status == 0)
            #expect(try sent() == "all of it\nhere")
            // Nothing on standard input: the message alone.
            let alone = try await BinaryRunner.run(["send", "--roster", roster, "just this"], input: "")
            #expect(alone.status == 0)
            #expect(try sent() == "just this")
            let empty = try await BinaryRunner.run(["send", "--roster", roster, "-"], input: "\n")
            #expect(empty.status == 65)
            let missing = try await BinaryRunner.run(["send", "--roster", roster, "x", "--file", "/nonexistent/teamchat"])
            #expect(missing.status == 66)
            let tooLong = try await BinaryRunner.run(["send", "--roster", roster, "x"], input: String(repeating: "y", count: 70_000))
            #expect(tooLong.status == 65)
        }
    }
}
