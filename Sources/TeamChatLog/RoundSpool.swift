#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TeamChatJSON

/// Rounds on their way into the round log (DESIGN §9): a one-shot `send` appends its round here — one JSON line,
/// one `write`, no database opened — and whoever opens the log next moves them in (``RoundLog/open(at:)``, and the
/// gateway before each read). Keeping a round then costs a `send` a file append.
///
/// Appenders hold a shared lock on the file while they write; the one who moves the rounds in holds it exclusively,
/// so no line is read half-written and none is appended to a file being emptied. The rounds go into the database in
/// one transaction *before* the file is emptied: a crash between the two moves them in again at the next open, as
/// the same rounds (by id), never twice. A line that is not a whole round (a writer killed mid-write, with a disk
/// full) is left out and counted.
public struct RoundSpool: Sendable {
    /// `<log>-spool`, beside the log.
    public let path: String
    /// The log it goes into.
    public let logPath: String

    public init(logPath: String) {
        self.logPath = logPath
        self.path = logPath + "-spool"
    }

    /// The spool's size past which the process that appended moves it into the log itself (``RoundLog/open(at:)``):
    /// rounds do not wait in the spool without end for a reader that may never come.
    public static let moveInBytes = 1 << 20

    /// Appends `round`, as one line, under a shared lock (mode 0600: what the team said is the user's own); the
    /// spool's size after it.
    @discardableResult
    public func append(_ round: LoggedRound) throws(RoundLog.Failure) -> Int {
        let line = round.json.utf8(terminator: UInt8(ascii: "\n"))
        var fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0, errno == ENOENT {  // the first round of all: the log's directory is made as the log makes it
            RoundLog.makeDirectory(of: path)
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        }
        guard fd >= 0 else { throw failure("cannot open") }
        defer { close(fd) }
        guard flock(fd, LOCK_SH) == 0 else { throw failure("cannot lock") }
        var written = 0
        while written < line.count {
            let result = line.withUnsafeBytes { write(fd, $0.baseAddress! + written, line.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write")
            }
            written += result
        }
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Whether rounds are waiting (a `stat`: cheap enough before every read).
    public var isEmpty: Bool {
        var info = stat()
        return stat(path, &info) != 0 || info.st_size == 0
    }

    /// Hands the waiting rounds to `move` (which writes them into the database) under the exclusive lock, then
    /// empties the file; how many lines were not whole rounds. Nothing happens when no file or nothing waits.
    @discardableResult
    func drain(_ move: ([LoggedRound]) throws(RoundLog.Failure) -> Void) throws(RoundLog.Failure) -> Int {
        guard !isEmpty else { return 0 }
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw failure("cannot lock") }
        defer { flock(fd, LOCK_UN) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read")
            }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        var rounds: [LoggedRound] = []
        var skipped = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let members = try? line.withUnsafeBytes { buffer throws(JSONObjectReader.Failure) in
                try JSONObjectReader.members(of: buffer)
            }
            guard let members, let round = LoggedRound(json: JSONFields(Dictionary(members, uniquingKeysWith: { _, last in last })))
            else {
                skipped += 1
                continue
            }
            rounds.append(round)
        }
        if !rounds.isEmpty { try move(rounds) }
        guard ftruncate(fd, 0) == 0 else { throw failure("cannot empty") }
        return skipped
    }

    private func failure(_ what: String) -> RoundLog.Failure {
        RoundLog.Failure(description: "rounds are not logged: \(what) \(path): \(String(cString: strerror(errno)))")
    }
}
