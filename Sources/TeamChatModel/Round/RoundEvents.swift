/// A round's events as they arrive: chunks and outcomes, then one summary (``RoundEvent``).
///
/// Events reach the consumer in batches, one per event-loop tick, and are handed out one by one here: a round of
/// 18 answers that land together wakes the consuming task once or twice instead of 18 times, which on a 2-core
/// machine is a good share of a warm round's latency. Ending iteration early abandons the round.
public struct RoundEvents: AsyncSequence, Sendable {
    public typealias Element = RoundEvent

    let batches: AsyncStream<[RoundEvent]>

    /// Events that arrive in batches from elsewhere (a gateway's stream, say).
    public init(batches: AsyncStream<[RoundEvent]>) {
        self.batches = batches
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(batches: batches.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var batches: AsyncStream<[RoundEvent]>.AsyncIterator
        var buffered: [RoundEvent] = []
        var position = 0

        public mutating func next() async -> RoundEvent? {
            while position == buffered.count {
                guard let batch = await batches.next() else { return nil }
                buffered = batch
                position = 0
            }
            defer { position += 1 }
            return buffered[position]
        }
    }
}
