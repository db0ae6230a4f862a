/// Limits one exchange must respect.
public struct ExchangeLimits: Sendable, Hashable {
    /// The largest reply accepted; for a streamed answer, the sum of its chunks.
    public var maximumReplyBytes: Int

    public init(maximumReplyBytes: Int) {
        self.maximumReplyBytes = maximumReplyBytes
    }
}
