#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite
import NIOConcurrencyHelpers

/// One connection to an SQLite database, as thin as the round log needs: statements run with their values bound
/// (never spliced into SQL), rows read as text, integers and reals. Every call holds the connection's lock, so one
/// connection may be shared by the threads of a process.
final class SQLiteDatabase: @unchecked Sendable {
    // @unchecked: `handle` and `statements` are used only while `lock` is held, and closed once, in deinit.
    private let handle: OpaquePointer
    private let path: String
    private let lock = NIOLock()
    /// Prepared statements by their SQL, kept for the next use: preparing (parsing and planning) each of a round's
    /// forty statements anew was most of what keeping a round cost. Bounded: SQL made with values in it (a LIMIT)
    /// would otherwise pile up.
    private var statements: [String: OpaquePointer] = [:]
    private static let keptStatements = 32

    /// What SQLite said went wrong, with its result code (`SQLITE_CORRUPT`, `SQLITE_NOTADB`, …).
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var message: String
        var description: String { message }

        /// The file is not a database, or a damaged one.
        var isCorruption: Bool { code & 0xFF == SQLITE_CORRUPT || code & 0xFF == SQLITE_NOTADB }
    }

    /// A value bound to a statement or read from a row.
    enum Value: Sendable, Hashable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)

        var text: String? { if case .text(let text) = self { text } else { nil } }
        var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
        var real: Double? {
            switch self {
            case .real(let value): value
            case .integer(let value): Double(value)
            default: nil
            }
        }
    }

    init(path: String) throws(Failure) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw Failure(code: status, message: message)
        }
        self.handle = handle
        self.path = path
        // Another process writing (a gateway, a second send) makes us wait for it, up to this long, never fail.
        sqlite3_busy_timeout(handle, 5_000)
        // A `send` opens the log, writes one round and closes it. Checkpointing at every close would cost two syncs
        // (the write-ahead log's and the database's), and deleting the log file two more when the next one makes it
        // again (the new file's and its directory's): most of what keeping a round cost. The write-ahead log is
        // kept instead, and checkpointed at a close once it has grown (deinit).
        _ = teamchat_sqlite_no_checkpoint_on_close(handle)
        _ = teamchat_sqlite_persist_wal(handle)
    }

    /// The write-ahead log's size past which a closing connection checkpoints it and truncates it to nothing: each
    /// opener reads the log back (it cannot trust what the last one left in the shared index), so it is kept short;
    /// the syncs of a checkpoint are paid once every few rounds.
    static let checkpointBytes = 256 * 1024

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        var info = stat()
        if stat(path + "-wal", &info) == 0, Int(info.st_size) > Self.checkpointBytes {
            // Busy (another connection is reading or writing) is fine: the next closer does it.
            sqlite3_exec(handle, "PRAGMA wal_checkpoint(TRUNCATE)", nil, nil, nil)
        }
        sqlite3_close_v2(handle)
    }

    /// Runs SQL that binds nothing (schema, pragmas); several statements may follow each other.
    func execute(_ sql: String) throws(Failure) {
        lock.lock()
        defer { lock.unlock() }
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw failure(status) }
    }

    /// Runs one statement with `values` bound to its `?` in order; its rows.
    @discardableResult
    func query(_ sql: String, _ values: [Value] = []) throws(Failure) -> [[Value]] {
        lock.lock()
        defer { lock.unlock() }
        return try run(sql, values)
    }

    /// Runs `body` in one transaction (IMMEDIATE: it takes the write lock at once, so two writers queue instead of
    /// failing on upgrade), committed when it returns, rolled back when it throws.
    func transaction(_ body: (Transaction) throws(Failure) -> Void) throws(Failure) {
        lock.lock()
        defer { lock.unlock() }
        try run("BEGIN IMMEDIATE", [])
        do {
            try body(Transaction(database: self))
            try run("COMMIT", [])
        } catch {
            _ = try? run("ROLLBACK", [])
            throw error
        }
    }

    /// Statements inside ``transaction(_:)`` (the lock is held already).
    struct Transaction {
        fileprivate let database: SQLiteDatabase

        @discardableResult
        func query(_ sql: String, _ values: [Value] = []) throws(Failure) -> [[Value]] {
            try database.run(sql, values)
        }
    }

    @discardableResult
    private func run(_ sql: String, _ values: [Value]) throws(Failure) -> [[Value]] {
        let statement: OpaquePointer
        if let kept = statements[sql] {
            statement = kept
        } else {
            var made: OpaquePointer?
            let prepared = sqlite3_prepare_v2(handle, sql, -1, &made, nil)
            guard prepared == SQLITE_OK, let made else { throw failure(prepared) }
            if statements.count >= Self.keptStatements {
                for old in statements.values { sqlite3_finalize(old) }
                statements = [:]
            }
            statements[sql] = made
            statement = made
        }
        // Ready for the next use, whatever happens to this one (a step that fails leaves it to be reset).
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let bound: Int32 =
                switch value {
                case .null: sqlite3_bind_null(statement, position)
                case .integer(let integer): sqlite3_bind_int64(statement, position, integer)
                case .real(let real): sqlite3_bind_double(statement, position, real)
                case .text(let text): sqlite3_bind_text(statement, position, text, -1, Self.transient)
                }
            guard bound == SQLITE_OK else { throw failure(bound) }
        }
        var rows: [[Value]] = []
        while true {
            let stepped = sqlite3_step(statement)
            if stepped == SQLITE_DONE { return rows }
            guard stepped == SQLITE_ROW else { throw failure(stepped) }
            let columns = sqlite3_column_count(statement)
            rows.append((0..<columns).map { column in
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
                case SQLITE_FLOAT: .real(sqlite3_column_double(statement, column))
                case SQLITE_NULL: .null
                default: .text(sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "")
                }
            })
        }
    }

    private func failure(_ status: Int32) -> Failure {
        Failure(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }

    /// SQLITE_TRANSIENT: SQLite copies a bound string before the call returns (the Swift string's storage may not
    /// outlive it).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
