import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatEngine
import TeamChatLog

/// Writes the rounds this process prints to the round log (DESIGN §9), on NIO's thread pool: the write waits for
/// other writers and the disk, never on a cooperative thread, and after the round was shown. The log is opened on
/// the thread pool from the moment the recorder is made, while the team is found and asked: a one-shot `send` does
/// not wait for SQLite before its round. A log that cannot be opened or written is said once; the rounds go on.
final class RoundRecorder: Sendable {
    /// The log once opened; nil when it could not be (said when that was found).
    private let opened: EventLoopFuture<RoundLog?>
    let path: String
    let source: String
    let via: String
    private let warned = NIOLockedValueBox(false)

    private init(opened: EventLoopFuture<RoundLog?>, path: String, source: String, via: String) {
        self.opened = opened
        self.path = path
        self.source = source
        self.via = via
    }

    /// The recorder for `path` (nil: no log kept), its log opening meanwhile.
    static func open(path: String?, source: String, via: String) -> RoundRecorder? {
        guard let path else { return nil }
        let opened = NIOThreadPool.singleton.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.any()) {
            Self.open(path)
        }.map { result -> RoundLog? in
            switch result {
            case .success(let (log, movedAside)):
                if let movedAside {
                    Warnings.warn("the round log \(path) was damaged: moved to \(movedAside); a new log begins")
                }
                return log
            case .failure(let failure):
                Warnings.warn("rounds are not logged: \(failure.description)")
                return nil
            }
        }.recover { _ in nil }
        return RoundRecorder(opened: opened, path: path, source: source, via: via)
    }

    /// The log, once open; nil when it cannot be.
    private func log() async -> RoundLog? {
        (try? await opened.get()) ?? nil
    }

    /// Whether the log could be opened (waits for it).
    var isAvailable: Bool {
        get async { await log() != nil }
    }

    /// The rounds of conversation `id`, oldest first (none when the log cannot say).
    func conversation(_ id: String) async -> [LoggedRound] {
        guard let log = await log() else { return [] }
        return (try? await NIOThreadPool.singleton.runIfActive { try log.conversation(id) }) ?? []
    }

    /// The conversation of the most recent round that had one.
    func lastConversation() async -> String? {
        guard let log = await log() else { return nil }
        return (try? await NIOThreadPool.singleton.runIfActive { try log.lastConversation() }) ?? nil
    }

    /// Records a round.
    func record(_ round: LoggedRound) async {
        guard let log = await log() else { return }
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
