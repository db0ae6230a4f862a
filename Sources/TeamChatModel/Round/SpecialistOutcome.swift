/// What one specialist contributed to a round, with timings.
public struct SpecialistOutcome: Sendable, Hashable {
    /// Position in the round's list of specialists (`-1` when decoded from an event that does not say).
    public var index: Int
    public var specialistID: String
    /// The reply, or why there is none. An error answer is a failure of kind `specialist_error`.
    public var result: Result<SpecialistReply, ExchangeError>
    /// From the start of the round to this outcome.
    public var elapsed: Duration
    /// How long opening the connection took, when a new one was opened for this exchange.
    public var connect: Duration?
    /// From sending the request to the first byte of its reply.
    public var firstByte: Duration?
    /// Whether the exchange ran on a pooled connection that had carried one before.
    public var reused: Bool
    /// Connection attempts made (more than one with retries).
    public var attempts: Int

    public init(
        index: Int,
        specialistID: String,
        result: Result<SpecialistReply, ExchangeError>,
        elapsed: Duration,
        connect: Duration? = nil,
        firstByte: Duration? = nil,
        reused: Bool = false,
        attempts: Int = 1
    ) {
        self.index = index
        self.specialistID = specialistID
        self.result = result
        self.elapsed = elapsed
        self.connect = connect
        self.firstByte = firstByte
        self.reused = reused
        self.attempts = attempts
    }

    public var isSuccess: Bool {
        if case .success = result { true } else { false }
    }

    /// The error, if the outcome is a failure.
    public var error: ExchangeError? {
        if case .failure(let error) = result { error } else { nil }
    }

    /// The reply, if the outcome is a success.
    public var reply: SpecialistReply? {
        if case .success(let reply) = result { reply } else { nil }
    }

    /// The chat answer, if the reply was one.
    public var answer: ChatAnswer? { reply?.answer }
}
