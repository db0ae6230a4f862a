import Foundation
import TeamChatFleet
import TeamChatTestSupport
import Testing

@Suite("The round log from the command line", .timeLimit(.minutes(1)))
struct LogCommandTests {
    /// A fleet of three (the second fails every chat), a roster file, and a log path of the test's own.
    private func withTeam(_ body: (Fleet, String, String) async throws -> Void) async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 3)
        team[1].misbehaviour = .error
        try await Fleet.withRunning(team) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-logcmd-\(UUID())").path
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                try? FileManager.default.removeItem(atPath: directory)
            }
            try await body(fleet, roster, directory + "/log.db")
        }
    }

    @Test("send keeps every round: log lists it, show gives every answer, search finds it; --no-log keeps none")
    func roundTrip() async throws {
        try await withTeam { fleet, roster, log in
            let environment = ["TEAMCHAT_LOG": log]
            let sent = try await BinaryRunner.run(["send", "--roster", roster, "where is the pool?"], environment: environment)
            #expect(sent.status == 75)  // one of three failed: the quorum (all) is not met
            let piped = try await BinaryRunner.run(["send", "--roster", roster], input: "first line\nsecond line\n", environment: environment)
            #expect(piped.status == 75)
            _ = try await BinaryRunner.run(["send", "--roster", roster, "--no-log", "not kept"], environment: environment)
            _ = try await BinaryRunner.run(["send", "--roster", roster, "not kept either"],
                                           environment: ["TEAMCHAT_LOG": log, "TEAMCHAT_NO_LOG": "1"])

            let listed = try await BinaryRunner.run(["log", "--json"], environment: environment)
            #expect(listed.status == 0, "\(listed.stderr)")
            let rounds = try listed.jsonObjects()
            #expect(rounds.map { $0["message"] as? String } == ["second line", "first line", "where is the pool?"])
            #expect(rounds.allSatisfy { $0["replied"] as? Int == 2 && $0["addressed"] as? Int == 3 && $0["via"] as? String == "direct" })

            let id = try #require(rounds.last?["id"] as? String)
            let shown = try await BinaryRunner.run(["log", "show", String(id.prefix(6)), "--json"], environment: environment)
            let round = try #require(try shown.jsonObjects().first)
            let answers = try #require(round["answers"] as? [[String: Any]])
            #expect(answers.map { $0["specialist_id"] as? String } == fleet.specialists.map(\.id))
            #expect(answers[0]["content"] as? String == "\(fleet.specialists[0].id): where is the pool?")
            #expect(answers[1]["success"] as? Bool == false)
            #expect(answers[1]["error_kind"] as? String == "specialist_error")
            let human = try await BinaryRunner.run(["log", "show", String(id.prefix(8))], environment: environment)
            #expect(human.lines.first?.hasPrefix("round \(id)") == true)
            #expect(human.lines.contains("> where is the pool?"))

            let found = try await BinaryRunner.run(["log", "search", "second", "--json"], environment: environment)
            #expect(try found.jsonObjects().map { $0["message"] as? String } == ["second line"])
            let table = try await BinaryRunner.run(["log"], environment: environment)
            #expect(table.lines.count == 4)
            #expect(table.lines.first?.hasPrefix("TIME") == true)
        }
    }

    @Test("ten sends at once lose no round")
    func concurrentSends() async throws {
        try await withTeam { _, roster, log in
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await BinaryRunner.run(["send", "--roster", roster, "round \(index)"], environment: ["TEAMCHAT_LOG": log]).status
                    }
                }
                for try await status in group { #expect(status == 75) }
            }
            let listed = try await BinaryRunner.run(["log", "--json", "--limit", "100"], environment: ["TEAMCHAT_LOG": log])
            #expect(Set(try listed.jsonObjects().compactMap { $0["message"] as? String }) == Set((0..<10).map { "round \($0)" }))
        }
    }

    @Test("a one-shot send appends its round to the spool, and moves the spool into the log once it passes 1 MiB")
    func spool() async throws {
        try await withTeam { _, roster, log in
            let sent = try await BinaryRunner.run(["send", "--roster", roster, "spooled"], environment: ["TEAMCHAT_LOG": log])
            #expect(sent.status == 75)
            #expect(!FileManager.default.fileExists(atPath: log))  // no database opened
            let spooled = try String(contentsOfFile: log + "-spool", encoding: .utf8)
            #expect(spooled.hasPrefix(#"{"type":"round""#) && spooled.contains(#""message":"spooled""#) && spooled.hasSuffix("\n"))
            // 1,100 rounds of about a kilobyte wait: the next send moves them all in.
            let filler = String(repeating: "x", count: 900)
            let lines = (0..<1_100).map { index in
                #"{"type":"round","id":"\#(String(format: "%032x", index))","started_at":\#(index),"source":"s","via":"direct","message":"filler \#(index) \#(filler)","addressed":1,"replied":1,"elapsed_ms":1}"#
            }
            let handle = try #require(FileHandle(forWritingAtPath: log + "-spool"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
            try handle.close()
            _ = try await BinaryRunner.run(["send", "--roster", roster, "the last straw"], environment: ["TEAMCHAT_LOG": log])
            #expect(FileManager.default.fileExists(atPath: log))
            #expect((try FileManager.default.attributesOfItem(atPath: log + "-spool")[.size] as? Int) == 0)
            let listed = try await BinaryRunner.run(["log", "--json", "--limit", "2000"], environment: ["TEAMCHAT_LOG": log])
            #expect(try listed.jsonObjects().count == 1_102)
        }
    }

    @Test("a damaged log is moved aside with one warning, and the round is kept in a new one")
    func damaged() async throws {
        try await withTeam { _, roster, log in
            try FileManager.default.createDirectory(
                atPath: (log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: log, contents: Data(repeating: 0x42, count: 4_096)))
            // A one-shot send only appends to the spool: the next to open the log finds the damage, says so once,
            // and the round is moved into a new log.
            let sent = try await BinaryRunner.run(["send", "--roster", roster, "after the damage"], environment: ["TEAMCHAT_LOG": log])
            #expect(sent.status == 75)
            let listed = try await BinaryRunner.run(["log", "--json"], environment: ["TEAMCHAT_LOG": log])
            #expect(listed.stderr.components(separatedBy: "was damaged: moved to \(log).bad").count == 2, "\(listed.stderr)")
            #expect(FileManager.default.contents(atPath: log + ".bad") == Data(repeating: 0x42, count: 4_096))
            #expect(try listed.jsonObjects().map { $0["message"] as? String } == ["after the damage"])
            // The prompt and -c open the log themselves, and say it there.
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: log + suffix) }
            #expect(FileManager.default.createFile(atPath: log, contents: Data(repeating: 0x42, count: 4_096)))
            let continued = try await BinaryRunner.run(["send", "--roster", roster, "-c", "go on"], environment: ["TEAMCHAT_LOG": log])
            #expect(continued.stderr.components(separatedBy: "was damaged: moved to \(log).bad").count == 2, "\(continued.stderr)")
        }
    }

    @Test("serve keeps its TCP clients' rounds; a send through its control socket is kept once, by the send")
    func gateway() async throws {
        try await ServeCommandTests().withServe { _, roster, serve in
            let log = serve.runtime + "/log.db"
            let client = try RawTCPClient(port: serve.port)
            defer { client.close() }
            let body = #"{"message":"over tcp"}"#
            try await client.write(Array((
                "POST /v1/rounds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8))
            #expect(String(decoding: try await client.readToEnd(), as: UTF8.self).contains(#""type":"summary""#))
            let sent = try await BinaryRunner.run(
                ["send", "--roster", roster, "--json", "through the socket"],
                environment: ["XDG_RUNTIME_DIR": serve.runtime, "TEAMCHAT_LOG": log])
            #expect(try sent.jsonObjects().last?["via"] as? String == "gateway")
            // The gateway writes off its event loops: wait for its round to be there.
            var rounds: [[String: Any]] = []
            #expect(try await eventually {
                rounds = try await BinaryRunner.run(["log", "--json"], environment: ["TEAMCHAT_LOG": log]).jsonObjects()
                return rounds.count == 2
            })
            #expect(Set(rounds.compactMap { $0["message"] as? String }) == ["over tcp", "through the socket"])
            #expect(rounds.allSatisfy { $0["via"] as? String == "gateway" && $0["replied"] as? Int == 3 })
        }
    }

    @Test("ten sends and a gateway's ten clients at once, one log: no round lost, none twice")
    func concurrentSendsAndGateway() async throws {
        try await ServeCommandTests().withServe { _, roster, serve in
            let log = serve.runtime + "/log.db"
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        // --direct: these run in their own processes, beside the gateway, each writing the file.
                        let sent = try await BinaryRunner.run(
                            ["send", "--direct", "--roster", roster, "direct \(index)"], environment: ["TEAMCHAT_LOG": log])
                        return sent.status == 0
                    }
                    group.addTask {
                        let client = try RawTCPClient(port: serve.port)
                        defer { client.close() }
                        let body = #"{"message":"gateway \#(index)"}"#
                        try await client.write(Array((
                            "POST /v1/rounds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8))
                        return String(decoding: try await client.readToEnd(), as: UTF8.self).contains(#""type":"summary""#)
                    }
                }
                for try await succeeded in group { #expect(succeeded) }
            }
            let expected = (0..<10).flatMap { ["direct \($0)", "gateway \($0)"] }
            var messages: [String] = []
            #expect(try await eventually {
                let listed = try await BinaryRunner.run(["log", "--json", "--limit", "100"], environment: ["TEAMCHAT_LOG": log])
                messages = try listed.jsonObjects().compactMap { $0["message"] as? String }
                return messages.count >= expected.count
            })
            #expect(messages.sorted() == expected.sorted())
        }
    }

    @Test("no log yet is said (69); a bad id is a usage error (64)")
    func errors() async throws {
        let missing = "/tmp/teamchat-no-such-\(UUID())/log.db"
        let none = try await BinaryRunner.run(["log"], environment: ["TEAMCHAT_LOG": missing])
        #expect(none.status == 69)
        #expect(none.stderr.contains("no round log at \(missing) yet"))
        #expect(!FileManager.default.fileExists(atPath: missing))
        let bad = try await BinaryRunner.run(["log", "show", "not-hex"])
        #expect(bad.status == 64)
    }
}

@Suite("Exporting and pruning the round log", .timeLimit(.minutes(1)))
struct LogExportTests {
    @Test("export as NDJSON, CSV (one row per answer, RFC 4180 quoting) and Markdown; --conversation; prune")
    func export() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-export-\(UUID())").path
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                try? FileManager.default.removeItem(atPath: directory)
            }
            let environment = ["TEAMCHAT_LOG": directory + "/log.db"]
            _ = try await BinaryRunner.run(["send", "--roster", roster, #"a "quoted", message"#], environment: environment)
            _ = try await BinaryRunner.run(["send", "--roster", roster, "--conversation", "kept", "second"], environment: environment)

            let jsonl = try await BinaryRunner.run(["log", "export"], environment: environment)
            let rounds = try jsonl.jsonObjects()
            #expect(rounds.map { $0["message"] as? String } == [#"a "quoted", message"#, "second"])
            #expect(rounds.allSatisfy { ($0["answers"] as? [Any])?.count == 2 })
            #expect(rounds.last?["conversation"] as? String == "kept")

            let csv = try await BinaryRunner.run(["log", "export", "--format", "csv"], environment: environment)
            #expect(csv.lines.count == 1 + 4)
            #expect(csv.lines.first?.hasPrefix("round_id,conversation,started_at,message,specialist_id") == true)
            #expect(csv.lines[1].contains(#","a ""quoted"", message","#))

            let markdown = try await BinaryRunner.run(["log", "export", "--format", "md", "--conversation", "kept"], environment: environment)
            #expect(markdown.lines.first?.contains("conversation kept") == true)
            #expect(markdown.lines.contains("> second"))
            #expect(markdown.lines.contains("**\(fleet.specialists[0].id)**: \(fleet.specialists[0].id): second"))

            let listed = try await BinaryRunner.run(["log", "--conversation", "kept", "--json"], environment: environment)
            #expect(try listed.jsonObjects().map { $0["message"] as? String } == ["second"])

            let none = try await BinaryRunner.run(["log", "prune", "--older-than", "1d"], environment: environment)
            #expect(none.status == 0)
            #expect(none.stderr.contains("removed 0 rounds"))
            let all = try await BinaryRunner.run(["log", "prune", "--older-than", "1ns"], environment: environment)
            #expect(all.stderr.contains("removed 2 rounds"))
            #expect(try await BinaryRunner.run(["log", "export"], environment: environment).stdout.isEmpty)
            #expect(try await BinaryRunner.run(["log", "search", "second"], environment: environment).stdout.isEmpty)
        }
    }

    @Test("on a terminal the export shows a specialist's escapes escaped; redirected, it is the data as said")
    func exportToTerminal() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 1)) { fleet in
            let roster = try BinaryRunner.rosterFile(for: fleet)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-esc-\(UUID())").path
            defer {
                try? FileManager.default.removeItem(atPath: roster)
                try? FileManager.default.removeItem(atPath: directory)
            }
            let log = directory + "/log.db"
            let planted = "title\u{1B}]0;pwned\u{07}end"
            _ = try await BinaryRunner.run(["send", "--roster", roster, planted], environment: ["TEAMCHAT_LOG": log])
            let redirected = try await BinaryRunner.run(["log", "export", "--format", "md"], environment: ["TEAMCHAT_LOG": log])
            #expect(redirected.stdout.contains(planted))
            for format in ["md", "csv"] {
                let terminal = try PseudoTerminal()
                let process = try terminal.launch(["log", "export", "--format", format, "--log", log])
                #expect(await process.exits())
                // What the process wrote may still be on its way through the terminal after it exits: wait for it.
                #expect(await terminal.waitFor("title\\x1B]0;pwned\\x07end"), "\(format): \(terminal.screen)")
                let screen = terminal.screen
                #expect(!screen.contains("\u{1B}]0;pwned"), "\(format)")
            }
        }
    }
}
