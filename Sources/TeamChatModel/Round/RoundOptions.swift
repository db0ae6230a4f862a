/// The budgets and rules of one round.
public struct RoundOptions: Sendable, Hashable {
    /// Per specialist, counted from its own send: the whole reply, or for a streamed answer its first byte.
    public var timeout: Duration
    /// Per connection attempt.
    public var connectTimeout: Duration
    /// The whole round; `nil` means `timeout + connectTimeout`. A streamed answer may run until it.
    public var deadline: Duration?
    /// Replies needed for success; `nil` means every addressed specialist.
    public var quorum: Int?
    /// Whether the round stops waiting (and cancels the rest) once the quorum replied.
    public var finishAtQuorum: Bool
    /// Extra connection attempts after a connect failure. Only attempts that wrote nothing are retried.
    public var retries: Int
    /// The largest reply accepted (a streamed answer as a whole).
    public var maximumReplyBytes: Int
    /// Kinds of failure that this round's own limits cause, because its requester set them tighter than the
    /// operator's (a gateway client asking for a 1 µs timeout or a 1-byte reply limit): reported to the requester,
    /// never recorded against a specialist's health, so that no client can open everyone's breakers.
    public var requestersLimits: Set<ExchangeError.Kind> = []
    /// Members with a reply timeout of their own (a named team's override), by their index in the round's team;
    /// the others take ``timeout``.
    public var memberTimeouts: [Int: Duration] = [:]

    /// The reply timeout of the team's `index`th member.
    public func timeout(for index: Int) -> Duration {
        memberTimeouts[index] ?? timeout
    }

    public init(
        timeout: Duration = .seconds(2),
        connectTimeout: Duration = .milliseconds(500),
        deadline: Duration? = nil,
        quorum: Int? = nil,
        finishAtQuorum: Bool = true,
        retries: Int = 0,
        maximumReplyBytes: Int = 16 * 1024 * 1024
    ) {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.deadline = deadline
        self.quorum = quorum
        self.finishAtQuorum = finishAtQuorum
        self.retries = retries
        self.maximumReplyBytes = maximumReplyBytes
    }

    /// The round's budget.
    public var effectiveDeadline: Duration { deadline ?? max(timeout, memberTimeouts.values.max() ?? timeout) + connectTimeout }
}
