import Logging
import NIOCore
import NIOPosix
import TeamChatLog

/// The round log as the gateway uses it: every write and read on one thread of its own, in the order asked. So no
/// event loop ever waits on SQLite, and a round's record is in the file before any later request reads the
/// conversation it belongs to (a client that continues a conversation the moment a round finished sees that round).
final class GatewayRoundLog: Sendable {
    let log: RoundLog
    private let thread: NIOThreadPool
    private let logger: Logger

    init(_ log: RoundLog, logger: Logger) {
        self.log = log
        self.logger = logger
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Keeps a finished round; a failure is logged. Runs even when queued behind a shutdown: a round that ended is
    /// kept.
    func record(_ round: LoggedRound) {
        let (log, logger) = (self.log, self.logger)
        thread.submit { _ in
            do {
                try log.record(round)
            } catch {
                logger.warning("round not kept", metadata: ["error": "\(error)"])
            }
        }
    }

    /// A conversation's rounds, oldest first (empty for one never said), after every round queued before.
    func conversation(_ id: String, on loop: any EventLoop) -> EventLoopFuture<[LoggedRound]> {
        let log = self.log
        return thread.runIfActive(eventLoop: loop) { try log.conversation(id) }
    }

    /// Waits for what is queued, then lets the thread go.
    func shutdown() async {
        try? await thread.shutdownGracefully()
    }
}
