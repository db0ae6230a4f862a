import Foundation
import NIOCore
import TeamChatRoster
import TeamChatFleet
import TeamChatTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Hardening: the cache, the terminal, signals, pipes and our own limits", .timeLimit(.minutes(1)))
struct HardeningTests {
    /// A fleet, its roster file and a cache path of its own.
    func withTeam(
        _ misbehaving: [Int: Misbehaviour] = [:],
        count: Int = 3,
        _ body: (Fleet, String, String) async throws -> Void
    ) async throws {
        var team = SimulatedSpecialistConfiguration.team(count: count)
        for (index, misbehaviour) in misbehaving { team[index].misbehaviour = misbehaviour }
        let fleet = try await Fleet.start(team)
        let roster = try BinaryRunner.rosterFile(for: fleet)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-hard-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cache = directory.appendingPathComponent("specialists.json").path
        defer {
            try? FileManager.default.removeItem(atPath: roster)
            try? FileManager.default.removeItem(at: directory)
        }
        do {
            try await body(fleet, roster, cache)
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    func warnings(_ result: BinaryRunner.Result) -> Int {
        result.stderr.components(separatedBy: "warning:").count - 1
    }

    // MARK: The cache file

    @Test("a cache locked by a stopped process never blocks a command: the write is skipped with one warning")
    func lockedCache() async throws {
        try await withTeam { _, roster, cache in
            let lock = open(cache + ".lock", O_CREAT | O_RDWR, 0o600)
            #expect(lock >= 0)
            #expect(flock(lock, LOCK_EX) == 0)
            defer { close(lock) }
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--cache", cache, "--json", "hi"])
            #expect(result.status == 0)
            #expect(warnings(result) == 1)
            #expect(result.stderr.contains("locked by another teamchat"))
            #expect(try result.jsonObjects().last?["replied"] as? Int == 3)
        }
    }

    @Test("a directory in the cache's place is warned about once, not twice")
    func directoryInPlace() async throws {
        try await withTeam { _, roster, cache in
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--cache", cache, "hi"])
            #expect(result.status == 0)
            #expect(warnings(result) == 1)
        }
    }

    @Test(
        "numbers out of range in the cache are corruption: moved aside, warned about once, rebuilt; never a trap",
        arguments: [#""ttl_seconds":1e308"#, #""discovered_at":1e18"#, #""recent_latencies_ms":[1e20]"#, #""until":1e18"#]
    )
    func outOfRange(_ member: String) async throws {
        try await withTeam { _, roster, cache in
            let key = String(member.prefix { $0 != ":" })
            let team = #"{"source":"x","discovered_at":1800000000,"ttl_seconds":60,"specialists":[{"id":"a","host":"h","port":1,"health":{"recent_latencies_ms":[1],"breaker":{"state":{"open":{"until":1800000000}}}}}]}"#
            let broken = team.replacingOccurrences(
                of: key == #""until""# ? #""until":1800000000"# : key == #""recent_latencies_ms""# ? #""recent_latencies_ms":[1]"# : key == #""ttl_seconds""# ? #""ttl_seconds":60"# : #""discovered_at":1800000000"#,
                with: member)
            #expect(broken != team)
            try Data(#"{"schema_version":2,"last_source":"x","teams":[\#(broken)]}"#.utf8).write(to: URL(fileURLWithPath: cache))
            let result = try await BinaryRunner.run(["send", "--roster", roster, "--cache", cache, "hi"])
            #expect(result.status == 0)
            #expect(warnings(result) == 1)
            #expect(FileManager.default.fileExists(atPath: cache + ".bad"))
        }
    }

    @Test("stats only looks: a file it cannot use is left where it is")
    func statsIsReadOnly() async throws {
        try await withTeam { _, roster, cache in
            try Data(#"{"schema_version":99}"#.utf8).write(to: URL(fileURLWithPath: cache))
            let result = try await BinaryRunner.run(["stats", "--roster", roster, "--cache", cache])
            #expect(result.status == 69)
            #expect(FileManager.default.fileExists(atPath: cache))
            #expect(!FileManager.default.fileExists(atPath: cache + ".bad"))
        }
    }

    @Test("a scan in which nobody answered is not stored as fresh: the next command probes again")
    func emptyDiscovery() async throws {
        try await withTeam([0: .refuse], count: 1) { fleet, _, cache in
            let port = try #require(fleet.specialists[0].address.tektonEndpoint).port
            let scan = "127.0.0.1:\(port)-\(port)"
            let first = try await BinaryRunner.run(["send", "--scan", scan, "--cache", cache, "hi"])
            #expect(first.status == 69)
            let stored = try SpecialistCache.decode(Data(contentsOf: URL(fileURLWithPath: cache)))
            #expect(stored.team("scan:\(scan)")?.discoveredAt == nil)
            let second = try await BinaryRunner.run(["send", "--scan", scan, "--cache", cache, "hi"])
            #expect(second.stderr.contains("no specialist answered"))
        }
    }

    // MARK: The terminal and the output

    @Test("ids a roster or a specialist controls are escaped everywhere, warm and the unknown-id error included")
    func sanitisedIDs() async throws {
        try await withTeam(count: 1) { fleet, _, cache in
            let (host, port) = try #require(fleet.specialists[0].address.tektonEndpoint)
            let evil = "evil\u{202E}dI\u{2028}x"
            let roster = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-evil-\(UUID()).json")
            try RosterFile.encode([.tekton(id: evil, host: host, port: port)]).write(to: roster)
            defer { try? FileManager.default.removeItem(at: roster) }
            let warm = try await BinaryRunner.run(["warm", "--roster", roster.path, "--cache", cache])
            #expect(!warm.stdout.contains("\u{202E}") && !warm.stdout.contains("\u{2028}"))
            #expect(warm.stdout.contains("evil\\u{202E}dI\\u{2028}x"))
            let unknown = try await BinaryRunner.run(["send", "--roster", roster.path, "--cache", cache, "--to", "zeus", "hi"])
            #expect(unknown.status == 64)
            #expect(!unknown.stderr.contains("\u{202E}") && !unknown.stderr.contains("\u{2028}"))
            #expect(unknown.stderr.contains("evil\\u{202E}"))
        }
    }

    @Test("when standard output is closed (| head -1), teamchat stops at once, quietly")
    func closedPipe() async throws {
        try await withTeam { _, roster, cache in
            let out = Pipe()
            let (process, ownCache) = try BinaryRunner.launch(
                ["send", "--roster", roster, "--cache", cache, "--json"], keepInputOpen: true,
                output: .handle(out.fileHandleForWriting))
            defer { try? FileManager.default.removeItem(at: ownCache) }
            try out.fileHandleForWriting.close()  // the child holds the write end; the test only reads
            process.write("one\n")
            // Like `head -1`: read a line, then go away (on a thread of its own: reading blocks).
            let gone = AsyncLatch<Data>()
            Thread.detachNewThread {
                var received = Data()
                while !received.contains(UInt8(ascii: "\n")) {
                    let chunk = out.fileHandleForReading.availableDataRetryingInterrupts
                    if chunk.isEmpty { break }
                    received.append(chunk)
                }
                try? out.fileHandleForReading.close()
                gone.resolve(received)
            }
            #expect(String(decoding: await gone.value(), as: UTF8.self).contains(#""type":"reply""#))
            // More input comes, and ends: the next round's first line finds nobody reading. (Without the fix the
            // process would run both rounds and exit 0.)
            process.write("two\nthree\n")
            process.closeInput()
            #expect(await process.exits())
            #expect(await process.termination() == ChildProcess.Termination(status: SIGPIPE, bySignal: true))
            #expect(await process.errorOutput().isEmpty)
        }
    }

    // MARK: Signals

    /// Starts the binary, waits for `ready` to hold, sends `signal`, and returns the status and what it printed.
    func interrupt(
        _ arguments: [String], signal: Int32 = SIGINT, input: String? = nil, keepInputOpen: Bool = true,
        ready: () -> Bool
    ) async throws -> (status: Int32, stdout: String) {
        // Standard input stays open unless told otherwise (as a terminal's would): a command that reads it waits
        // for more.
        let (process, ownCache) = try BinaryRunner.launch(
            arguments, input: input, keepInputOpen: keepInputOpen, error: .discarded)
        defer { try? FileManager.default.removeItem(at: ownCache) }
        // The phase the test names must be reached, or the test fails: a signal sent anyway would test nothing.
        let reached = await eventually(within: .seconds(20)) { ready() }
        process.signal(reached ? signal : SIGKILL)
        try #require(reached, "the phase to interrupt was never reached")
        let stdout = await process.output()
        return (await process.status(), stdout)
    }

    @Test("Ctrl-C during the discovery before a round exits 130 at once")
    func interruptDiscovery() async throws {
        try await withTeam([1: .mute]) { fleet, roster, cache in
            let mute = fleet.specialists[1].id
            // Standard input at its end (a message with input still coming waits for it: the next test).
            let result = try await interrupt(
                ["send", "--roster", roster, "--cache", cache, "--timeout", "30s", "hi"], keepInputOpen: false
            ) {
                fleet.counters.requests(mute, type: "ping") > 0
            }
            #expect(result.status == 130)
            // With --json, the output still ends with a summary that says so (it printed nothing).
            let json = try await interrupt(
                ["send", "--roster", roster, "--cache", cache + ".second", "--timeout", "30s", "--json", "hi"],
                keepInputOpen: false
            ) {
                fleet.counters.requests(mute, type: "ping") > 1
            }
            #expect(json.status == 130)
            let last = try #require(json.stdout.split(separator: "\n").last)
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect(summary["type"] as? String == "summary")
            #expect(summary["interrupted"] as? Bool == true)
            #expect(summary["addressed"] as? Int == 0)
        }
    }

    @Test("SIGTERM during discover prints what it has and exits 130")
    func interruptDiscover() async throws {
        try await withTeam([1: .mute]) { fleet, roster, cache in
            let mute = fleet.specialists[1].id
            let result = try await interrupt(["discover", "--roster", roster, "--cache", cache, "--timeout", "30s"], signal: SIGTERM) {
                fleet.counters.requests(mute, type: "ping") > 0
            }
            #expect(result.status == 130)
            // Every candidate has its row (those the interruption cut short too), the count is of all of them (never
            // "0/0"), and the footer says why the roster is not stored as fresh.
            for specialist in fleet.specialists {
                #expect(result.stdout.contains(specialist.id), "\(result.stdout)")
            }
            #expect(result.stdout.contains("/3 answered"), "\(result.stdout)")
            #expect(result.stdout.contains("not stored as fresh: probing was interrupted"), "\(result.stdout)")
        }
    }

    @Test("SIGTERM during warm's discovery says nothing was warmed and exits 130; --json still ends with a summary")
    func interruptWarm() async throws {
        try await withTeam([1: .mute]) { fleet, roster, cache in
            let mute = fleet.specialists[1].id
            let human = try await interrupt(["warm", "--roster", roster, "--cache", cache, "--timeout", "30s"], signal: SIGTERM) {
                fleet.counters.requests(mute, type: "ping") > 0
            }
            #expect(human.status == 130)
            let json = try await interrupt(
                ["warm", "--roster", roster, "--no-cache", "--timeout", "30s", "--json"], signal: SIGTERM
            ) {
                fleet.counters.requests(mute, type: "ping") > 1
            }
            #expect(json.status == 130)
            let last = try #require(json.stdout.split(separator: "\n").last)
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect(summary["type"] as? String == "summary")
            #expect(summary["interrupted"] as? Bool == true)
        }
    }

    @Test("Ctrl-C while piped rounds wait for their next line exits 130")
    func interruptBetweenLines() async throws {
        try await withTeam { fleet, roster, cache in
            let result = try await interrupt(["send", "--roster", roster, "--cache", cache, "--json"], input: "one\n") {
                fleet.counters.totalRequests(type: "chat") == 3
            }
            #expect(result.status == 130)
            #expect(result.stdout.contains(#""type":"summary""#))
        }
    }

    @Test("Ctrl-C during bench reports what was measured and exits 130")
    func interruptBench() async throws {
        try await withTeam([1: .hang]) { fleet, roster, cache in
            let result = try await interrupt(
                ["bench", "--roster", roster, "--cache", cache, "--timeout", "30s", "--rounds", "100", "--warmup", "0", "--json"]
            ) {
                fleet.counters.totalRequests(type: "chat") >= 3
            }
            #expect(result.status == 130)
            #expect(result.stdout.contains("teamchat.bench/1"))
        }
    }

    // MARK: Our own limits

    @Test("out of file descriptors is 'local_resource', never 'refused', said once, and counts against no breaker")
    func outOfDescriptors() async throws {
        try await withTeam(count: 60) { _, roster, cache in
            let finished = try await ChildProcess.run(
                "/bin/sh",
                ["-c", "ulimit -n 40 && exec \"$0\" send --roster \"$1\" --cache \"$2\" --json hi", BinaryRunner.binary.path,
                 roster, cache],
                environment: ["NO_COLOR": "1", "TEAMCHAT_NO_LOG": "1"])
            let (stdout, stderr) = (finished.stdout, finished.stderr)
            let kinds = stdout.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["error_kind"] as? String
            }
            #expect(kinds.contains("local_resource"))
            #expect(!kinds.contains("refused"))
            #expect(stderr.components(separatedBy: "open files").count - 1 == 1)
            let stored = try SpecialistCache.decode(Data(contentsOf: URL(fileURLWithPath: cache)))
            let health = try #require(stored.teams.first?.specialists.map(\.health))
            #expect(health.allSatisfy { $0.consecutiveFailures == 0 && $0.breaker.state == .closed(failures: 0) })
        }
    }

    @Test("a scan larger than the open-file limit finds every live specialist, probing in batches, and says so")
    func bigScan() async throws {
        // The scanned range must hold nothing but this test's specialists: other tests' fleets are on ephemeral
        // ports, so the range is taken below the kernel's ephemeral range, every port of it held, and three of
        // them handed to the fleet. Another test holding ports below that range may take one of the three in the
        // moment between its release and the fleet's bind: then another range is tried.
        for attempt in 1...3 {
            do {
                try await scanOnce()
                return
            } catch let error as IOError where error.errnoCode == EADDRINUSE && attempt < 3 {
                continue
            }
        }
    }

    private func scanOnce() async throws {
        let width = 300
        let range = try #require(ReservedRange.hold(width: width), "no free range of \(width) ports")
        defer { range.release() }
        let held = range.ports
        let low = range.low
        let positions = [17, 150, width - 1]
        var team = SimulatedSpecialistConfiguration.team(count: positions.count)
        for (index, position) in positions.enumerated() {
            held[position].release()
            team[index].port = low + position
        }
        try await Fleet.withRunning(team) { fleet in
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-scan-\(UUID()).json").path
            defer { try? FileManager.default.removeItem(atPath: cache) }
            let finished = try await ChildProcess.run(
                "/bin/sh",
                ["-c", "ulimit -n 150 && exec \"$0\" discover --scan \"$1\" --cache \"$2\" --json",
                 BinaryRunner.binary.path, range.scan, cache],
                environment: ["NO_COLOR": "1", "TEAMCHAT_NO_LOG": "1"])
            let (stdout, stderr) = (finished.stdout, finished.stderr)
            let found = stdout.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["specialist_id"] as? String
            }
            #expect(found.sorted() == fleet.specialists.map(\.id).sorted())
            #expect(stderr.contains("probes go in batches"))
            #expect(stdout.contains(#""complete":true"#))
        }
    }

    // MARK: Roster files and bench

    @Test(
        "a bad roster entry is bad input (65) naming the entry",
        arguments: [
            (#"[{"id":"a","host":"","port":1}]"#, "entry 1 (a): 'host' is missing or empty"),
            (#"[{"id":"a","port":70000}]"#, "entry 1 (a): 'port' is 70000"),
            (#"[{"id":"a","port":1},{"id":"a","port":2}]"#, "entry 2: id 'a' appears twice"),
            (#"[{"id":"a","port":1},"#, "line 1, column"),
        ]
    )
    func badRoster(_ roster: (String, String)) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-bad-\(UUID()).json")
        try Data(roster.0.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await BinaryRunner.run(["send", "--roster", file.path, "--no-cache", "hi"])
        #expect(result.status == 65)
        #expect(result.stderr.contains(roster.1))
    }

    @Test("--roster on a directory says so in words")
    func rosterDirectory() async throws {
        let result = try await BinaryRunner.run(["send", "--roster", FileManager.default.temporaryDirectory.path, "--no-cache", "hi"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("it is a directory"))
    }

    @Test("bench counts every connection it opened, also those whose exchanges timed out")
    func benchConnections() async throws {
        try await withTeam([1: .hang], count: 2) { fleet, roster, cache in
            let result = try await BinaryRunner.run(
                ["bench", "--roster", roster, "--cache", cache, "--rounds", "3", "--warmup", "0", "--timeout", "100ms", "--json"])
            #expect(result.status == 0)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let rows = try #require(((report["modes"] as? [[String: Any]])?.first?["specialists"]) as? [[String: Any]])
            let hung = try #require(rows.first { $0["specialist_id"] as? String == fleet.specialists[1].id })
            #expect(hung["connections_opened"] as? Int == 3)
        }
    }
}
