/// Limits one exchange must respect.
public struct ExchangeLimits: Sendable, Hashable {
    /// The largest reply accepted; for a streamed answer, the sum of its chunks.
    public var maximumReplyBytes: Int
    /// The requester's reply timeout, for transports that pass it on (a bus bridge runs its own round under it);
    /// the engine keeps the deadline itself either way.
    public var timeout: Duration

    public init(maximumReplyBytes: Int, timeout: Duration = .seconds(2)) {
        self.maximumReplyBytes = maximumReplyBytes
        self.timeout = timeout
    }
}
