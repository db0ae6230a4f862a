import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatEngine
import TeamChatLog

/// Writes the rounds this process prints to the round log (DESIGN §9), on NIO's thread pool: the write waits for
/// other writers and the disk, never on a cooperative thread, and after the round was shown. A log that cannot be
/// opened or written is said once; the rounds go on.
///
/// Rounds that need nothing of the log before they run (a one-shot `send`, stdin rounds) are appended to its spool
/// (``RoundSpool``): no database is opened, and whoever opens the log next moves them in. The prompt and `-c`, which
/// read their conversation first, open the log itself — on the thread pool from the moment the recorder is made.
final class RoundRecorder: Sendable {
    private enum Store: Sendable {
        /// The log once opened; nil when it could not be (said when that was found).
        case log(EventLoopFuture<RoundLog?>)
        case spool(RoundSpool)
    }

    private let store: Store
    let path: String
    let source: String
    let via: String
    private let warned = NIOLockedValueBox(false)

    private init(store: Store, path: String, source: String, via: String) {
        self.store = store
        self.path = path
        self.source = source
        self.via = via
    }

    /// The recorder for `path` (nil: no log kept). `spooled`: it only records, through the spool; else its log opens
    /// meanwhile, for the conversation reads that come first.
    static func open(path: String?, source: String, via: String, spooled: Bool = false) -> RoundRecorder? {
        guard let path else { return nil }
        if spooled { return RoundRecorder(store: .spool(RoundSpool(logPath: path)), path: path, source: source, via: via) }
        let opened = NIOThreadPool.singleton.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.any()) {
            Self.open(path)
        }.map { result -> RoundLog? in
            switch result {
            case .success(let (log, movedAside)):
                warnDamaged(path, movedAside: movedAside)
                return log
            case .failure(let failure):
                Warnings.warn("rounds are not logged: \(failure.description)")
                return nil
            }
        }.recover { _ in nil }
        return RoundRecorder(store: .log(opened), path: path, source: source, via: via)
    }

    /// The log, once open; nil when it cannot be.
    private func log() async -> RoundLog? {
        guard case .log(let opened) = store else { return nil }
        return (try? await opened.get()) ?? nil
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
        let failure: RoundLog.Failure?
        do {
            switch store {
            case .spool(let spool):
                failure = try await NIOThreadPool.singleton.runIfActive { Self.append(round, to: spool) }
            case .log:
                guard let log = await log() else { return }
                failure = try await NIOThreadPool.singleton.runIfActive { Self.record(round, in: log) }
            }
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

    /// Says once that the log at `path` was damaged and where it went, when it was.
    private static func warnDamaged(_ path: String, movedAside: String?) {
        guard let movedAside else { return }
        Warnings.warn("the round log \(path) was damaged: moved to \(movedAside); a new log begins")
    }

    private static func append(_ round: LoggedRound, to spool: RoundSpool) -> RoundLog.Failure? {
        do {
            // Every so many rounds the appender moves the spool in (opening the log does), rather than leave it to
            // grow until someone reads.
            if try spool.append(round) > RoundSpool.moveInBytes {
                let path = spool.logPath
                warnDamaged(path, movedAside: try RoundLog.open(at: path).movedAside)
            }
            return nil
        } catch {
            return error
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
