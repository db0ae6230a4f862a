import Synchronization

/// Names one attempt of one specialist's exchange in one round. Cancellation is by token, never by connection: a
/// transport ignores a cancel whose token is not the exchange it is running, so a late cancel can never fail
/// another round's exchange on a connection that was released and leased again.
public struct ExchangeToken: Hashable, Sendable, CustomStringConvertible {
    /// The round, unique in this process (``nextRound()``).
    public var round: UInt64
    /// The specialist's position in the round.
    public var index: Int
    /// Counts the attempts of this specialist in this round, from 1.
    public var attempt: Int

    public init(round: UInt64, index: Int, attempt: Int) {
        self.round = round
        self.index = index
        self.attempt = attempt
    }

    public var description: String { "\(round).\(index).\(attempt)" }

    private static let rounds = Atomic<UInt64>(0)

    /// A round number never used before in this process.
    public static func nextRound() -> UInt64 {
        rounds.add(1, ordering: .relaxed).newValue
    }
}
