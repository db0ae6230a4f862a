/// What one client connection is sent, and how much of it may wait (DESIGN §7, trust): a client that does not read
/// is paused, then dropped, so that no client can make the gateway hold more than a bounded amount for it, and no
/// client's slowness reaches another's rounds.
///
/// A pure state machine, as the pool's and the round's are: the handler feeds it the channel's writability, the
/// pieces it has to send and the time, and does what it returns. While the channel is writable a piece is written
/// at once (NIO holds what the socket has not taken yet, up to its high-water mark, then says the channel is not
/// writable). While it is not, pieces wait here: one piece of any size (an answer as large as `--max-reply` must
/// reach a client that reads slowly), more only while they fit in ``maximumQueuedBytes``; past that the client is
/// dropped. A client that stays unwritable for ``stallTimeout`` is dropped too. Dropping closes the connection,
/// which cancels its rounds.
struct ClientOutput<Instant: InstantProtocol & Sendable, Piece: Sendable>: Sendable where Instant.Duration == Duration {
    /// What the handler must do.
    enum Action {
        /// Write these pieces now, in order, and flush.
        case write([Piece])
        /// Nothing to do: the piece waits for the client.
        case wait
        /// Call ``timerFired(now:)`` at this instant.
        case scheduleTimer(Instant)
        /// Close the connection: the client is not reading. Why, in words.
        case drop(String)
        /// Resume reading from the client (it reads again: it may ask for more).
        case resumeReading
        /// Stop reading from the client until it reads what it was sent (it may not ask for more meanwhile).
        case pauseReading
    }

    let maximumQueuedBytes: Int
    let stallTimeout: Duration
    private var writable = true
    private var queue: [(piece: Piece, bytes: Int)] = []
    private var queuedBytes = 0
    private var stalledSince: Instant?
    private var dropped = false

    init(maximumQueuedBytes: Int, stallTimeout: Duration) {
        self.maximumQueuedBytes = maximumQueuedBytes
        self.stallTimeout = stallTimeout
    }

    /// Bytes held here for the client (beside what NIO holds).
    var heldBytes: Int { queuedBytes }

    /// A piece of `bytes` bytes to send.
    mutating func send(_ piece: Piece, bytes: Int) -> Action {
        guard !dropped else { return .wait }
        if writable, queue.isEmpty { return .write([piece]) }
        guard queue.isEmpty || queuedBytes + bytes <= maximumQueuedBytes else {
            let unread = queuedBytes + bytes
            dropped = true
            queue = []
            queuedBytes = 0
            return .drop("the client left more than \(unread) bytes it was sent unread")
        }
        queue.append((piece, bytes))
        queuedBytes += bytes
        return .wait
    }

    /// The channel's writability changed.
    mutating func writabilityChanged(_ isWritable: Bool, now: Instant) -> [Action] {
        guard !dropped else { return [] }
        writable = isWritable
        guard isWritable else {
            guard stalledSince == nil else { return [] }
            stalledSince = now
            return [.pauseReading, .scheduleTimer(now.advanced(by: stallTimeout))]
        }
        stalledSince = nil
        var actions: [Action] = [.resumeReading]
        if !queue.isEmpty {
            actions.append(.write(queue.map(\.piece)))
            queue = []
            queuedBytes = 0
        }
        return actions
    }

    /// The timer fired.
    mutating func timerFired(now: Instant) -> Action {
        guard !dropped, !writable, let since = stalledSince else { return .wait }
        let end = since.advanced(by: stallTimeout)
        guard now >= end else { return .scheduleTimer(end) }
        dropped = true
        queue = []
        queuedBytes = 0
        return .drop("the client read nothing for \(stallTimeout)")
    }
}
