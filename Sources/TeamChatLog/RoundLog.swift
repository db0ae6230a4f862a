#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TeamChatModel

/// The round log (DESIGN §9): every round this user's teamchat ran, in an SQLite database at
/// `$XDG_DATA_HOME/teamchat/log.db` (``defaultPath(environment:)``).
///
/// - WAL, so that readers (`teamchat log`) never wait for writers, and writers (several `send`s, a gateway) wait
///   for each other (a busy timeout of 5 s) instead of failing: nothing is lost to concurrency.
/// - One transaction per round: a process killed mid-round loses at most that round.
/// - The schema is versioned (`PRAGMA user_version`) and migrated forward on open; a database of a newer teamchat
///   is left as it is (``Failure/newer``).
/// - A file that is not a database, or a damaged one, is moved aside (`log.db.bad`) and a fresh log begun: the
///   caller is told once (``opened(at:environment:)``'s `movedAside`), never stopped.
public final class RoundLog: Sendable {
    private let database: SQLiteDatabase
    public let path: String

    /// The schema this teamchat writes.
    public static let schemaVersion = 5

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
        /// The database was written by a newer teamchat.
        public var newer = false
        /// The file is not a database, or a damaged one.
        var corrupt = false
    }

    /// Where the log lives: `TEAMCHAT_LOG`, else `$XDG_DATA_HOME/teamchat/log.db`, else
    /// `~/.local/share/teamchat/log.db`; nil when `TEAMCHAT_NO_LOG` is set (to anything but `0` or empty) or no home
    /// is known.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let off = environment["TEAMCHAT_NO_LOG"], !off.isEmpty, off != "0" { return nil }
        if let path = environment["TEAMCHAT_LOG"], !path.isEmpty { return path }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/teamchat/log.db" }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.local/share/teamchat/log.db"
    }

    /// Whether a log is at `path`: the database, or rounds waiting in its spool.
    public static func exists(at path: String) -> Bool {
        access(path, F_OK) == 0 || access(RoundSpool(logPath: path).path, F_OK) == 0
    }

    /// Opens (or creates) the log at `path`. A damaged file is moved aside and a new log begun; `movedAside` then
    /// says where the old one went.
    public static func open(at path: String) throws(Failure) -> (log: RoundLog, movedAside: String?) {
        makeDirectory(of: path)
        let opened: (log: RoundLog, movedAside: String?)
        do {
            opened = (try RoundLog(path: path), nil)
        } catch let failure where !failure.corrupt {
            throw failure
        } catch {
            let aside = path + ".bad"
            for suffix in ["", "-wal", "-shm"] { _ = rename(path + suffix, aside + suffix) }
            do {
                opened = (try RoundLog(path: path), aside)
            } catch {
                throw Failure(description: "cannot open the round log \(path): \(error)")
            }
        }
        // The rounds one-shot sends left in the spool come in first: whoever reads sees them. When they cannot (the
        // database busy past its timeout), they wait in the spool for the next opener: the log opens all the same.
        _ = try? opened.log.moveSpooledRounds()
        return opened
    }

    private init(path: String) throws(Failure) {
        self.path = path
        do {
            database = try SQLiteDatabase(path: path)
            // A newer teamchat's log is left exactly as it is: its version is read before anything is changed.
            let version = Int(try database.query("PRAGMA user_version").first?.first?.integer ?? 0)
            guard version <= Self.schemaVersion else {
                throw Failure(
                    description: "\(path) was written by a newer teamchat (schema \(version)): left as it is", newer: true)
            }
            _ = chmod(path, 0o600)  // what the team said is the user's own
            try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            try migrate(from: version)
        } catch let failure as SQLiteDatabase.Failure {
            throw Failure(description: "\(path): \(failure.message)", corrupt: failure.isCorruption)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(path): \(error)")
        }
    }

    private func migrate(from version: Int) throws {
        // Each step takes the schema from version N to N + 1; a new one is added below the last, never changed.
        let steps: [String] = [
            """
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
            """,
            // 2: conversations.
            """
            ALTER TABLE rounds ADD COLUMN conversation TEXT;
            CREATE INDEX rounds_by_conversation ON rounds (conversation, started_at);
            """,
            // 3: the judge's synthesis beside the members' answers (NULL: a member's).
            """
            ALTER TABLE answers ADD COLUMN role TEXT;
            """,
            // 4: tokens, as the specialists' servers reported them.
            """
            ALTER TABLE answers ADD COLUMN prompt_tokens INTEGER;
            ALTER TABLE answers ADD COLUMN completion_tokens INTEGER;
            """,
            // 5: the facade's chat keys (a chat client's next request finds its conversation by them).
            """
            ALTER TABLE rounds ADD COLUMN transcript TEXT;
            CREATE INDEX rounds_by_transcript ON rounds (transcript) WHERE transcript IS NOT NULL;
            """,
        ]
        for step in version..<Self.schemaVersion {
            try database.transaction { transaction throws(SQLiteDatabase.Failure) in
                // Another process may have taken this step while this one waited for the write lock.
                let current = try transaction.query("PRAGMA user_version").first?.first?.integer ?? 0
                guard current == step else { return }
                for statement in steps[step].split(separator: ";").map({ $0.trimmingWhitespace }) where !statement.isEmpty {
                    try transaction.query(statement)
                }
                try transaction.query("PRAGMA user_version = \(step + 1)")
            }
        }
    }

    /// The spool beside this log (``RoundSpool``).
    public var spool: RoundSpool { RoundSpool(logPath: path) }

    /// Moves the rounds waiting in the spool into the log, in one transaction; how many of its lines were not whole
    /// rounds. Cheap when none wait: ``open(at:)`` and the gateway call it before they read.
    @discardableResult
    public func moveSpooledRounds() throws(Failure) -> Int {
        try spool.drain { rounds throws(Failure) in try record(rounds) }
    }

    /// Records one round, in one transaction.
    public func record(_ round: LoggedRound) throws(Failure) {
        try record([round])
    }

    /// Records rounds in one transaction (a gateway's burst: the pages they share are written once).
    public func record(_ rounds: [LoggedRound]) throws(Failure) {
        guard !rounds.isEmpty else { return }
        do {
            try database.transaction { transaction throws(SQLiteDatabase.Failure) in
                for round in rounds { try Self.insert(round, in: transaction) }
            }
        } catch {
            throw Failure(description: "cannot write the round log \(path): \(error.message)")
        }
    }

    private static func insert(_ round: LoggedRound, in transaction: SQLiteDatabase.Transaction) throws(SQLiteDatabase.Failure) {
        // A round written again (a spool moved in twice, after a crash between the two steps) replaces itself.
        try transaction.query("DELETE FROM answers WHERE round_id = ?", [.text(round.id)])
        try transaction.query("DELETE FROM search WHERE round_id = ?", [.text(round.id)])
        try transaction.query(
            """
            INSERT OR REPLACE INTO rounds (id, started_at, source, via, message, addressed, replied, elapsed_ms,
                interrupted, conversation, transcript) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(round.id), .real(round.startedAt), .text(round.source), .text(round.via), .text(round.message),
             .integer(Int64(round.addressed)), .integer(Int64(round.replied)), .real(round.elapsedMS),
             .integer(round.interrupted ? 1 : 0), value(round.conversation), value(round.transcript)])
        // One search entry per round, its message and every answer: search finds rounds, and one entry costs FTS5
        // one document to index rather than one per answer.
        let searched = ([round.message] + round.answers.compactMap(\.content)).joined(separator: "\n\n")
        try transaction.query("INSERT INTO search VALUES (?, ?)", [.text(searched), .text(round.id)])
        for (position, answer) in round.answers.enumerated() {
            try transaction.query(
                """
                INSERT INTO answers (round_id, position, specialist, success, content, error_kind, error,
                    latency_ms, first_byte_ms, model, role, prompt_tokens, completion_tokens)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(round.id), .integer(Int64(position)), .text(answer.specialist),
                 .integer(answer.success ? 1 : 0), value(answer.content), value(answer.errorKind),
                 value(answer.error), value(answer.latencyMS), value(answer.firstByteMS),
                 value(answer.model), answer.role == .member ? .null : .text(answer.role.rawValue),
                 value(answer.promptTokens), value(answer.completionTokens)])
        }
    }

    /// The most recent rounds, newest first (without their answers' content).
    public func recent(limit: Int, since: Double? = nil) throws(Failure) -> [LoggedRound] {
        try rounds(
            "SELECT \(Self.roundColumns) FROM rounds WHERE started_at >= ? ORDER BY started_at DESC LIMIT ?",
            [.real(since ?? 0), .integer(Int64(limit))])
    }

    /// The rounds whose message or answers match `text` (FTS5 query syntax; a plain word or phrase works), newest
    /// first.
    public func search(_ text: String, limit: Int) throws(Failure) -> [LoggedRound] {
        try rounds(
            """
            SELECT \(Self.roundColumns) FROM rounds WHERE id IN (SELECT round_id FROM search WHERE search MATCH ?)
            ORDER BY started_at DESC LIMIT ?
            """,
            [.text(Self.phrase(text)), .integer(Int64(limit))])
    }

    /// The round whose id starts with `prefix`, with every answer; nil when none does. Throws when several do.
    public func round(_ prefix: String) throws(Failure) -> LoggedRound? {
        let found = try rounds(
            "SELECT \(Self.roundColumns) FROM rounds WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            [.text(prefix.lowercased()), .text(prefix.lowercased() + "g")])
        guard found.count <= 1 else { throw Failure(description: "'\(prefix)' names more than one round: give more of its id") }
        guard var round = found.first else { return nil }
        round.answers = try answers(of: round.id)
        return round
    }

    /// Every round of `conversation`, oldest first, with their answers.
    public func conversation(_ id: String) throws(Failure) -> [LoggedRound] {
        var rounds = try rounds(
            "SELECT \(Self.roundColumns) FROM rounds WHERE conversation = ? ORDER BY started_at", [.text(id)])
        for index in rounds.indices { rounds[index].answers = try answers(of: rounds[index].id) }
        return rounds
    }

    /// The rounds the facade answered at each of `transcripts` (``LoggedRound/transcript``), in that order, with
    /// their answers — up to the first key no round has: a chat client's conversation as far as this log knows it.
    public func chain(_ transcripts: [String]) throws(Failure) -> [LoggedRound] {
        var chain: [LoggedRound] = []
        for key in transcripts {
            let found = try rounds(
                "SELECT \(Self.roundColumns) FROM rounds WHERE transcript = ? ORDER BY started_at DESC LIMIT 1",
                [.text(key)])
            guard var round = found.first else { break }
            round.answers = try answers(of: round.id)
            chain.append(round)
        }
        return chain
    }

    /// The tokens each specialist's server reported, summed over the log (since `since`), by specialist and model:
    /// what `stats` shows and prices. Judges' syntheses count for the judge.
    public func usage(since: Double? = nil) throws(Failure) -> [SpecialistUsage] {
        do {
            return try database.query(
                """
                SELECT answers.specialist, answers.model, count(*), sum(coalesce(prompt_tokens, 0)),
                    sum(coalesce(completion_tokens, 0)) FROM answers JOIN rounds ON rounds.id = answers.round_id
                WHERE rounds.started_at >= ? AND (prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL)
                GROUP BY answers.specialist, answers.model ORDER BY answers.specialist, answers.model
                """, [.real(since ?? 0)]
            ).map { row in
                SpecialistUsage(
                    specialist: row[0].text ?? "", model: row[1].text, answers: Int(row[2].integer ?? 0),
                    usage: TokenUsage(promptTokens: Int(row[3].integer ?? 0), completionTokens: Int(row[4].integer ?? 0)))
            }
        } catch {
            throw Failure(description: "cannot read the round log \(path): \(error.message)")
        }
    }

    /// Every round since `since` (seconds since 1970), oldest first, with their answers: for export.
    public func everything(since: Double? = nil) throws(Failure) -> [LoggedRound] {
        var rounds = try rounds(
            "SELECT \(Self.roundColumns) FROM rounds WHERE started_at >= ? ORDER BY started_at", [.real(since ?? 0)])
        for index in rounds.indices { rounds[index].answers = try answers(of: rounds[index].id) }
        return rounds
    }

    /// Removes the rounds older than `before` (seconds since 1970), their answers and their search entries;
    /// how many rounds went.
    public func prune(before: Double) throws(Failure) -> Int {
        var removed = 0
        do {
            try database.transaction { transaction throws(SQLiteDatabase.Failure) in
                removed = Int(try transaction.query(
                    "SELECT count(*) FROM rounds WHERE started_at < ?", [.real(before)]).first?.first?.integer ?? 0)
                try transaction.query(
                    "DELETE FROM search WHERE round_id IN (SELECT id FROM rounds WHERE started_at < ?)", [.real(before)])
                try transaction.query(
                    "DELETE FROM answers WHERE round_id IN (SELECT id FROM rounds WHERE started_at < ?)", [.real(before)])
                try transaction.query("DELETE FROM rounds WHERE started_at < ?", [.real(before)])
            }
        } catch {
            throw Failure(description: "cannot prune the round log \(path): \(error.message)")
        }
        return removed
    }

    /// The conversation of the most recent round that had one.
    public func lastConversation() throws(Failure) -> String? {
        try rounds(
            "SELECT \(Self.roundColumns) FROM rounds WHERE conversation IS NOT NULL ORDER BY started_at DESC LIMIT 1", []
        ).first?.conversation
    }

    private func answers(of round: String) throws(Failure) -> [LoggedRound.Answer] {
        do {
            return try database.query(
                """
                SELECT round_id, position, specialist, success, content, error_kind, error, latency_ms, first_byte_ms,
                    model, role, prompt_tokens, completion_tokens FROM answers WHERE round_id = ? ORDER BY position
                """, [.text(round)]
            ).map { row in
                var answer = LoggedRound.Answer(
                    specialist: row[2].text ?? "", success: row[3].integer == 1, content: row[4].text,
                    errorKind: row[5].text, error: row[6].text, latencyMS: row[7].real, firstByteMS: row[8].real,
                    model: row[9].text)
                answer.role = row[10].text.flatMap(LoggedRound.Answer.Role.init(rawValue:)) ?? .member
                answer.promptTokens = row[11].integer.map { Int($0) }
                answer.completionTokens = row[12].integer.map { Int($0) }
                return answer
            }
        } catch {
            throw Failure(description: "cannot read the round log \(path): \(error.message)")
        }
    }

    private static let roundColumns =
        "id, started_at, source, via, message, addressed, replied, elapsed_ms, interrupted, conversation, transcript"


    private func rounds(_ sql: String, _ values: [SQLiteDatabase.Value]) throws(Failure) -> [LoggedRound] {
        do {
            return try database.query(sql, values).map { row in
                var round = LoggedRound(
                    id: row[0].text ?? "", conversation: row[9].text, startedAt: row[1].real ?? 0, source: row[2].text ?? "", via: row[3].text ?? "",
                    message: row[4].text ?? "", addressed: Int(row[5].integer ?? 0), replied: Int(row[6].integer ?? 0),
                    elapsedMS: row[7].real ?? 0, interrupted: row[8].integer == 1, answers: [])
                round.transcript = row[10].text
                return round
            }
        } catch {
            throw Failure(description: "cannot read the round log \(path): \(error.message)")
        }
    }

    /// `text` as one FTS5 phrase: a user's words are searched for, never read as query syntax.
    static func phrase(_ text: String) -> String {
        "\"" + text.replacingQuotes() + "\""
    }

    private static func value(_ text: String?) -> SQLiteDatabase.Value { text.map { .text($0) } ?? .null }
    private static func value(_ number: Double?) -> SQLiteDatabase.Value { number.map { .real($0) } ?? .null }
    private static func value(_ number: Int?) -> SQLiteDatabase.Value { number.map { .integer(Int64($0)) } ?? .null }

    static func makeDirectory(of path: String) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        var partial = ""
        for component in path[..<slash].split(separator: "/") {
            partial += "/" + component
            _ = mkdir(partial, 0o700)
        }
    }
}

extension StringProtocol {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// FTS5 doubles a quote inside a phrase.
    fileprivate func replacingQuotes() -> String {
        var result = ""
        for character in self {
            result.append(character)
            if character == "\"" { result.append("\"") }
        }
        return result
    }
}
