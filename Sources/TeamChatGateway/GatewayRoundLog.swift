import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatLog

/// The round log as the gateway uses it: every write and read on one thread of its own. So no event loop ever waits
/// on SQLite, and a round's record is in the file before any later request reads the conversation it belongs to
/// (a client that continues a conversation the moment a round finished sees that round: a read writes what is
/// pending first).
///
/// Finished rounds are written in bursts — what gathered within ``gathering`` of the first, in one transaction —
/// so that a busy gateway writes the pages its rounds share once, not once a round.
final class GatewayRoundLog: Sendable {
    let log: RoundLog
    private let thread: NIOThreadPool
    private let timer: any EventLoop
    private let logger: Logger
    private let pending = NIOLockedValueBox<(rounds: [LoggedRound], flushing: Bool)>(([], false))

    /// How long a finished round may wait for others to be written with it.
    static let gathering = TimeAmount.milliseconds(5)

    init(_ log: RoundLog, timer: any EventLoop, logger: Logger) {
        self.log = log
        self.timer = timer
        self.logger = logger
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Keeps a finished round, with those that finish within ``gathering``; a failure is logged. A shutdown writes
    /// what is pending: a round that ended is kept.
    func record(_ round: LoggedRound) {
        let first = pending.withLockedValue { pending -> Bool in
            pending.rounds.append(round)
            defer { pending.flushing = true }
            return !pending.flushing
        }
        guard first else { return }
        timer.scheduleTask(in: Self.gathering) { [self] in
            thread.submit { _ in self.flush() }
        }
    }

    /// Writes what is pending (on the log's thread).
    private func flush() {
        let rounds = pending.withLockedValue { pending -> [LoggedRound] in
            defer { pending = ([], false) }
            return pending.rounds
        }
        do {
            try log.record(rounds)
        } catch {
            logger.warning("rounds not kept", metadata: ["rounds": "\(rounds.count)", "error": "\(error)"])
        }
    }

    /// A conversation's rounds, oldest first (empty for one never said), the rounds pending written first.
    func conversation(_ id: String, on loop: any EventLoop) -> EventLoopFuture<[LoggedRound]> {
        read(on: loop) { log in try log.conversation(id) }
    }

    /// The facade's rounds at `transcripts`, as far as the log has them (``RoundLog/chain(_:)``), read behind
    /// every round recorded before.
    func chain(_ transcripts: [String], on loop: any EventLoop) -> EventLoopFuture<[LoggedRound]> {
        read(on: loop) { log in try log.chain(transcripts) }
    }

    /// Reads on the log's thread, behind what is pending here and the rounds `send`s left in the spool meanwhile
    /// (those that cannot be moved in now wait for the next read).
    private func read<Value: Sendable>(
        on loop: any EventLoop, _ body: @escaping @Sendable (RoundLog) throws -> Value
    ) -> EventLoopFuture<Value> {
        let log = self.log
        return thread.runIfActive(eventLoop: loop) { [self] in
            flush()
            _ = try? log.moveSpooledRounds()
            return try body(log)
        }
    }

    /// Writes what is pending, then lets the thread go.
    func shutdown() async {
        thread.submit { [self] _ in flush() }
        try? await thread.shutdownGracefully()
    }
}
