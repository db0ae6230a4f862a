import NIOConcurrencyHelpers
import NIOPosix
import TeamChatEngine
import TeamChatLog

/// Writes the rounds this process prints to the round log (DESIGN §9), on NIO's thread pool: the write waits for
/// other writers and the disk, never on a cooperative thread, and after the round was shown. A log that cannot be
/// opened or written is said once; the rounds go on.
final class RoundRecorder: Sendable {
    private let log: RoundLog
    let source: String
    let via: String
    private let warned = NIOLockedValueBox(false)

    private init(log: RoundLog, source: String, via: String) {
        self.log = log
        self.source = source
        self.via = via
    }

    /// The recorder for `path` (nil: no log kept), or nil with a warning when the log cannot be opened.
    static func open(path: String?, source: String, via: String) async -> RoundRecorder? {
        guard let path else { return nil }
        let opened: Result<(log: RoundLog, movedAside: String?), RoundLog.Failure>
        do {
            opened = try await NIOThreadPool.singleton.runIfActive { Self.open(path) }
        } catch {
            return nil
        }
        switch opened {
        case .success(let (log, movedAside)):
            if let movedAside {
                Warnings.warn("the round log \(path) was damaged: moved to \(movedAside); a new log begins")
            }
            return RoundRecorder(log: log, source: source, via: via)
        case .failure(let failure):
            Warnings.warn("rounds are not logged: \(failure.description)")
            return nil
        }
    }

    /// The rounds of conversation `id`, oldest first (none when the log cannot say).
    func conversation(_ id: String) async -> [LoggedRound] {
        let log = self.log
        return (try? await NIOThreadPool.singleton.runIfActive { try log.conversation(id) }) ?? []
    }

    /// The conversation of the most recent round that had one.
    func lastConversation() async -> String? {
        let log = self.log
        return (try? await NIOThreadPool.singleton.runIfActive { try log.lastConversation() }) ?? nil
    }

    var path: String { log.path }

    /// Records a round.
    func record(_ round: LoggedRound) async {
        let log = self.log
        let failure: RoundLog.Failure?
        do {
            failure = try await NIOThreadPool.singleton.runIfActive { Self.record(round, in: log) }
        } catch {
            return
        }
        guard let failure else { return }
        let first = warned.withLockedValue { warned in
            defer { warned = true }
            return !warned
        }
        if first { Warnings.warn(failure.description) }
    }

    private static func open(_ path: String) -> Result<(log: RoundLog, movedAside: String?), RoundLog.Failure> {
        do {
            return .success(try RoundLog.open(at: path))
        } catch {
            return .failure(error)
        }
    }

    private static func record(_ round: LoggedRound, in log: RoundLog) -> RoundLog.Failure? {
        do {
            try log.record(round)
            return nil
        } catch {
            return error
        }
    }
}
