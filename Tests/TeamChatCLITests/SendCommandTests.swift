import Foundation
import TeamChatFleet
import Testing

@Suite("The teamchat binary", .timeLimit(.minutes(1)))
struct SendCommandTests {
    func withFleet(
        _ misbehaving: [Int: Misbehaviour] = [:],
        count: Int = 4,
        _ body: (Fleet, String) async throws -> Void
    ) async throws {
        var team = SimulatedSpecialistConfiguration.team(count: count)
        for (index, misbehaviour) in misbehaving { team[index].misbehaviour = misbehaviour }
        let fleet = try await Fleet.start(team)
        let roster = try BinaryRunner.rosterFile(for: fleet)
        defer { try? FileManager.default.removeItem(atPath: roster) }
        do {
            try await body(fleet, roster)
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    @Test("help lists the subcommands and exits 0")
    func help() async throws {
        let result = try await BinaryRunner.run(["--help"])
        #expect(result.status == 0)
        for command in ["send", "fleet", "demo"] {
            #expect(result.stdout.contains(command))
        }
    }

    @Test("a bad flag or value is a usage error: status 64 and a message", arguments: [
        ["send", "--bogus", "x"], ["send", "--timeout", "soon", "x"], ["send", "--quorum", "0", "x"],
        ["send", "--roster", "a.json", "--scan", "h:1-2", "x"], ["fleet", "--misbehave", "2:explode"],
    ])
    func usageErrors(_ arguments: [String]) async throws {
        let result = try await BinaryRunner.run(arguments)
        #expect(result.status == 64)
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    @Test("a missing roster file is bad input: status 65")
    func missingRoster() async throws {
        let result = try await BinaryRunner.run(["send", "--roster", "/nonexistent/roster.json", "hi"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("no such file"))
    }

    @Test("--json prints one reply event per specialist and a summary, all NDJSON")
    func json() async throws {
        try await withFleet { fleet, roster in
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--json", "hello", "team"])
            #expect(result.status == 0)
            let events = try result.jsonObjects()
            #expect(events.count == 5)
            let replies = events.filter { $0["type"] as? String == "reply" }
            #expect(Set(replies.compactMap { $0["specialist_id"] as? String }) == Set(fleet.specialists.map(\.id)))
            for reply in replies {
                #expect(reply["success"] as? Bool == true)
                #expect((reply["content"] as? String)?.hasSuffix(": hello team") == true)
                #expect(reply["elapsed_ms"] is Double)
                // The cache was missing: discovery pinged first, on the connections the round then reused.
                #expect(reply["reused"] as? Bool == true)
            }
            #expect(fleet.counters.totalRequests(type: "info") == 4)
            let summary = try #require(events.last)
            #expect(summary["type"] as? String == "summary")
            #expect(summary["replied"] as? Int == 4)
            #expect(summary["addressed"] as? Int == 4)
            #expect(result.lines.allSatisfy { $0.hasPrefix(#"{"type":"#) })
        }
    }

    @Test("a failure reports its kind; quorum not met exits 75")
    func quorumNotMet() async throws {
        try await withFleet([1: .hang]) { fleet, roster in
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--json", "--timeout", "200ms", "x"])
            #expect(result.status == 75)
            let events = try result.jsonObjects()
            let hung = events.first { $0["specialist_id"] as? String == fleet.specialists[1].id }
            #expect(hung?["error_kind"] as? String == "timeout")
            #expect(hung?["success"] as? Bool == false)
            #expect(events.last?["failed"] as? Int == 1)
        }
    }

    @Test("--quorum met despite a failure exits 0")
    func quorumMet() async throws {
        try await withFleet([1: .refuse]) { _, roster in
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--quorum", "3", "x"])
            #expect(result.status == 0)
        }
    }

    @Test("once the quorum is met the rest are 'not needed (quorum met)': dim, no ✗, no failure counted")
    func notNeeded() async throws {
        try await withFleet([1: .hang]) { fleet, roster in
            let hung = fleet.specialists[1].id
            let human = try await BinaryRunner.run(["send", "--roster", roster, "--quorum", "3", "--timeout", "30s", "x"])
            #expect(human.status == 0)
            let row = try #require(human.lines.first { $0.hasPrefix(hung) })
            #expect(row.hasSuffix("· not needed (quorum met)"), "\(row)")
            #expect(!row.contains("✗"))
            let summary = try #require(human.lines.last)
            #expect(summary.contains("3/4 replied") && summary.contains("1 not needed") && summary.contains("quorum 3 met"), "\(summary)")
            #expect(!summary.contains("cancelled"))
            let json = try await BinaryRunner.run(["send", "--roster", roster, "--quorum", "3", "--timeout", "30s", "--json", "x"])
            let events = try json.jsonObjects()
            #expect(events.first { $0["specialist_id"] as? String == hung }?["error"] as? String == "not needed (quorum met)")
            #expect(events.last?["cancelled"] as? Int == 1)
            #expect(events.last?["failed"] as? Int == 0)
            #expect((events.last?["failures"] as? [String: Any])?.isEmpty != false)
        }
    }

    @Test("nobody reachable exits 69")
    func noneReachable() async throws {
        try await withFleet([0: .refuse, 1: .refuse], count: 2) { _, roster in
            let result = try await BinaryRunner.run(["send", "--roster", roster, "x"])
            #expect(result.status == 69)
            #expect(result.stdout.contains("connection refused"))
        }
    }

    @Test("an unknown --to is a usage error naming it")
    func unknownTarget() async throws {
        try await withFleet { _, roster in
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--to", "zeus", "x"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("zeus"))
        }
    }

    @Test("--to narrows the round")
    func to() async throws {
        try await withFleet { fleet, roster in
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--json", "--to", "engram,hermes-ai", "x"])
            #expect(result.status == 0)
            let replies = try result.jsonObjects().filter { $0["type"] as? String == "reply" }
            #expect(Set(replies.compactMap { $0["specialist_id"] as? String }) == ["engram-ai", "hermes-ai"])
            #expect(fleet.counters.requests("ergon-ai", type: "chat") == 0)
        }
    }

    @Test("stdin lines are successive rounds over the same connections")
    func stdinRounds() async throws {
        try await withFleet { fleet, roster in
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--json"], input: "one\n\ntwo\nthree\n")
            #expect(result.status == 0)
            let events = try result.jsonObjects()
            #expect(events.filter { $0["type"] as? String == "summary" }.count == 3)
            let third = events.filter { $0["type"] as? String == "reply" && $0["round"] as? Int == 3 }
            #expect(third.count == 4)
            #expect(third.allSatisfy { $0["reused"] as? Bool == true && ($0["content"] as? String)?.hasSuffix(": three") == true })
            #expect(fleet.counters.totalConnections == 4)
        }
    }

    @Test("terminal escapes from a specialist are shown escaped in human output, JSON-escaped in --json")
    func escapes() async throws {
        try await withFleet(count: 1) { _, roster in
            let human = try await BinaryRunner.run(["send", "--roster", roster, "hi \u{1B}[2J there"])
            #expect(human.status == 0)
            #expect(!human.stdout.contains("\u{1B}"))
            #expect(human.stdout.contains("hi \\x1B[2J there"))
            let json = try await BinaryRunner.run(["send", "--roster", roster, "--json", "hi \u{1B}[2J"])
            #expect(!json.stdout.contains("\u{1B}"))
            #expect(json.stdout.contains("\\u001b[2J") || json.stdout.contains("\\u001B[2J"))
        }
    }

    @Test("human output: one line per specialist and a summary line last")
    func human() async throws {
        try await withFleet([2: .refuse]) { fleet, roster in
            let result = try await BinaryRunner.run(["send", "--roster", roster, "hello"])
            #expect(result.status == 75)
            #expect(result.lines.count == 5)
            #expect(result.lines.last?.hasPrefix("3/4 replied · slowest ") == true)
            #expect(result.lines.last?.contains("1 refused") == true)
            #expect(result.stdout.contains("\(fleet.specialists[0].id): hello"))
        }
    }

    @Test("Ctrl-C prints what arrived and exits 130 at once")
    func interrupt() async throws {
        try await withFleet([1: .hang], count: 2) { fleet, roster in
            let (process, cache) = try BinaryRunner.launch(
                ["send", "--roster", roster, "--json", "--timeout", "30s", "x"], error: .discarded)
            defer { try? FileManager.default.removeItem(at: cache) }
            // Wait for the healthy specialist's reply: the round is then certainly in flight.
            #expect(await process.output(containing: "\n").contains(#""type":"reply""#))
            process.signal(SIGINT)
            #expect(await process.exits())
            #expect(await process.status() == 130)
            let received = await process.output()
            let lines = received.split(separator: "\n")
            #expect(lines.first?.contains(fleet.specialists[0].id) == true)
            #expect(lines.last?.contains(#""interrupted":true"#) == true)
        }
    }
}

@Suite("teamchat demo", .timeLimit(.minutes(1)))
struct DemoCommandTests {
    @Test("runs with nothing else: discovery, cold and warm rounds, a hung and a dead specialist, cold vs warm")
    func demo() async throws {
        let result = try await BinaryRunner.run(["demo", "--timeout", "300ms", "--rounds", "5"])
        #expect(result.status == 0)
        for expected in [
            "Discovery", "17 answered", "Cold round", "Warm round", "athena-ai", "timeout after 0.3s",
            "connection refused", "cold (new connections every round)", "faster",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
        #expect(result.stdout.components(separatedBy: "16/18 replied").count - 1 == 2)
    }
}
