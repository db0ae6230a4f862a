import Foundation
@testable import TeamChatLog
import Testing

@Suite("The round log (SQLite)", .timeLimit(.minutes(1)))
struct RoundLogTests {
    private func withPath(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-log-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory + "/deeper/log.db")
    }

    private func round(_ message: String, at time: Double, answers: [LoggedRound.Answer] = []) -> LoggedRound {
        LoggedRound(
            startedAt: time, source: "file:/team.json", via: "direct", message: message, addressed: answers.count,
            replied: answers.filter(\.success).count, elapsedMS: 12.5, answers: answers)
    }

    @Test("a round and its answers read back; recent is newest first; show takes a prefix; the file is 0600")
    func roundTrip() throws {
        try withPath { path in
            let (log, movedAside) = try RoundLog.open(at: path)
            #expect(movedAside == nil)
            let answers = [
                LoggedRound.Answer(specialist: "apollo-ai", success: true, content: "apollo-ai: hi", latencyMS: 1.5, firstByteMS: 0.7, model: "m1"),
                LoggedRound.Answer(specialist: "athena-ai", success: false, errorKind: "timeout", error: "timeout after 2.0s", latencyMS: 2000),
            ]
            let first = round("hi", at: 100, answers: answers)
            try log.record(first)
            try log.record(round("later", at: 200))
            #expect(try log.recent(limit: 10).map(\.message) == ["later", "hi"])
            #expect(try log.recent(limit: 1).map(\.message) == ["later"])
            #expect(try log.recent(limit: 10, since: 150).map(\.message) == ["later"])
            let shown = try #require(try log.round(String(first.id.prefix(6))))
            #expect(shown == first)
            #expect(try log.round("ffffffffffffffffffff") == nil || first.id.hasPrefix("ffffffffffffffffffff"))
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            // A reopened log has it all (and migrates nothing twice).
            let (again, _) = try RoundLog.open(at: path)
            #expect(try again.recent(limit: 10).count == 2)
        }
    }

    @Test("search finds words in messages and answers, and reads a user's quotes and operators as words")
    func search() throws {
        try withPath { path in
            let (log, _) = try RoundLog.open(at: path)
            try log.record(round("how does the pool work?", at: 1, answers: [.init(specialist: "a", success: true, content: "a: connection pool reuse")]))
            try log.record(round("deadlines", at: 2, answers: [.init(specialist: "a", success: true, content: "a: the round's timer")]))
            #expect(try log.search("connection pool", limit: 10).map(\.message) == ["how does the pool work?"])
            #expect(try log.search("timer", limit: 10).map(\.message) == ["deadlines"])
            #expect(try log.search("deadlines", limit: 10).count == 1)
            #expect(try log.search(#"pool" OR "x"#, limit: 10).isEmpty)  // one phrase, not a query
            #expect(try log.search("NEAR(", limit: 10).isEmpty)
        }
    }

    @Test("writers on separate connections at once lose nothing")
    func concurrentWriters() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-log-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/log.db"
        // No log yet: the writers race to create it, too.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let (log, _) = try RoundLog.open(at: path)
                    for index in 0..<25 {
                        try log.record(self.round("w\(writer)-\(index)", at: Double(index),
                                                  answers: [.init(specialist: "s", success: true, content: "x")]))
                    }
                }
            }
            try await group.waitForAll()
        }
        let (log, _) = try RoundLog.open(at: path)
        #expect(try log.recent(limit: 1_000).count == 200)
    }

    @Test("a damaged file is moved aside and a new log begun; a newer teamchat's log is left as it is")
    func damage() throws {
        try withPath { path in
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let garbage = Data(repeating: 0x5A, count: 8_192)
            #expect(FileManager.default.createFile(atPath: path, contents: garbage))
            let (log, movedAside) = try RoundLog.open(at: path)
            #expect(movedAside == path + ".bad")
            #expect(FileManager.default.contents(atPath: path + ".bad") == garbage)
            try log.record(round("after", at: 1))
            #expect(try log.recent(limit: 5).count == 1)

            // Written by a later schema: refused, never rewritten or moved aside.
            let newer = path + ".newer"
            try SQLiteDatabase(path: newer).execute("CREATE TABLE later (x); PRAGMA user_version = 99;")
            let before = try #require(FileManager.default.contents(atPath: newer))
            let error = #expect(throws: RoundLog.Failure.self) { try RoundLog.open(at: newer) }
            #expect(error?.newer == true)
            #expect(error?.description.contains("newer teamchat") == true)
            #expect(FileManager.default.contents(atPath: newer) == before)
            #expect(!FileManager.default.fileExists(atPath: newer + ".bad"))
        }
    }

    @Test("a log of schema 1 is migrated: its rounds kept, conversations from then on")
    func migration() throws {
        try withPath { path in
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try SQLiteDatabase(path: path).execute("""
                CREATE TABLE rounds (
                    id TEXT PRIMARY KEY, started_at REAL NOT NULL, source TEXT NOT NULL, via TEXT NOT NULL,
                    message TEXT NOT NULL, addressed INTEGER NOT NULL, replied INTEGER NOT NULL, elapsed_ms REAL NOT NULL,
                    interrupted INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX rounds_by_time ON rounds (started_at);
                CREATE TABLE answers (
                    round_id TEXT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE, position INTEGER NOT NULL,
                    specialist TEXT NOT NULL, success INTEGER NOT NULL, content TEXT, error_kind TEXT, error TEXT,
                    latency_ms REAL, first_byte_ms REAL, model TEXT, PRIMARY KEY (round_id, position));
                CREATE VIRTUAL TABLE search USING fts5 (text, round_id UNINDEXED);
                INSERT INTO rounds VALUES ('00aa', 1, 'tekton', 'direct', 'old', 1, 1, 2.0, 0);
                PRAGMA user_version = 1;
                """)
            let (log, _) = try RoundLog.open(at: path)
            #expect(try log.recent(limit: 5).map(\.message) == ["old"])
            var round = round("new", at: 2)
            round.conversation = "talk"
            try log.record(round)
            #expect(try log.conversation("talk").map(\.message) == ["new"])
            #expect(try log.lastConversation() == "talk")
        }
    }

    @Test("TEAMCHAT_NO_LOG, TEAMCHAT_LOG, XDG_DATA_HOME, HOME, in that order")
    func paths() {
        #expect(RoundLog.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/teamchat/log.db")
        #expect(RoundLog.defaultPath(environment: ["HOME": "/h", "XDG_DATA_HOME": "/d"]) == "/d/teamchat/log.db")
        #expect(RoundLog.defaultPath(environment: ["HOME": "/h", "TEAMCHAT_LOG": "/l.db"]) == "/l.db")
        #expect(RoundLog.defaultPath(environment: ["HOME": "/h", "TEAMCHAT_NO_LOG": "1"]) == nil)
        #expect(RoundLog.defaultPath(environment: ["HOME": "/h", "TEAMCHAT_NO_LOG": "0"]) == "/h/.local/share/teamchat/log.db")
        #expect(RoundLog.defaultPath(environment: [:]) == nil)
    }

    @Test("the spool: rounds appended without the database come in at the next open, whole and once; a torn line is left out")
    func spool() throws {
        try withPath { path in
            let spool = RoundSpool(logPath: path)
            let answers = [LoggedRound.Answer(specialist: "apollo-ai", success: true, content: "apollo-ai: hi", latencyMS: 1.5, model: "m1", promptTokens: 3, completionTokens: 2)]
            let first = round("spooled one", at: 100, answers: answers)
            var second = round("spooled two", at: 101)
            second.conversation = "abc"
            try spool.append(first)  // makes the log's directory, as the log would
            try spool.append(second)
            let mode = try #require(FileManager.default.attributesOfItem(atPath: spool.path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            #expect(RoundLog.exists(at: path) && !FileManager.default.fileExists(atPath: path))
            // A writer killed mid-write leaves a line cut short.
            let handle = try #require(FileHandle(forWritingAtPath: spool.path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"type":"round","id":"cut"#.utf8))
            try handle.close()

            let (log, _) = try RoundLog.open(at: path)
            #expect(try log.recent(limit: 10).map(\.message) == ["spooled two", "spooled one"])
            #expect(try log.round(first.id) == first)
            #expect(try log.conversation("abc").map(\.message) == ["spooled two"])
            #expect(spool.isEmpty)

            // Moved in again (a crash after the transaction, before the spool was emptied): the same rounds, once.
            try spool.append(first)
            #expect(try log.moveSpooledRounds() == 0)
            #expect(try log.recent(limit: 10).count == 2)
            #expect(try log.round(first.id)?.answers.count == 1)
            #expect(try log.search("hi", limit: 10).count == 1)
        }
    }

    @Test("appends from many threads while the spool is moved in, again and again, lose no round")
    func spoolConcurrency() throws {
        try withPath { path in
            let spool = RoundSpool(logPath: path)
            let (log, _) = try RoundLog.open(at: path)
            let rounds = (0..<200).map { round("round \($0)", at: Double($0)) }
            DispatchQueue.concurrentPerform(iterations: 8) { worker in
                if worker == 0 {
                    for _ in 0..<40 { _ = try? log.moveSpooledRounds() }
                } else {
                    for index in stride(from: worker - 1, to: rounds.count, by: 7) { _ = try? spool.append(rounds[index]) }
                }
            }
            try log.moveSpooledRounds()
            #expect(Set(try log.recent(limit: 1_000).map(\.message)) == Set(rounds.map(\.message)))
            #expect(try log.recent(limit: 1_000).count == 200)
        }
    }
}
