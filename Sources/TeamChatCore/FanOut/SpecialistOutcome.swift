/// What one specialist contributed to a round, with timings.
public struct SpecialistOutcome: Sendable {
    /// Position in the round's list of specialists.
    public var index: Int
    public var specialist: Specialist
    /// The final reply (`response`, `pong`, `info`, `health`), or why there is none. An `error` reply is a
    /// failure of kind `specialist_error`.
    public var result: Result<WireReply, ExchangeError>
    /// From the start of the round to this outcome.
    public var elapsed: Duration
    /// How long the TCP connect took, when a new connection was opened for this exchange.
    public var connect: Duration?
    /// From writing the request to its first reply byte.
    public var firstByte: Duration?
    /// Whether the exchange ran on a pooled connection that had carried one before.
    public var reused: Bool
    /// Connection attempts made (more than one only with retries).
    public var attempts: Int

    public init(
        index: Int,
        specialist: Specialist,
        result: Result<WireReply, ExchangeError>,
        elapsed: Duration,
        connect: Duration? = nil,
        firstByte: Duration? = nil,
        reused: Bool = false,
        attempts: Int = 1
    ) {
        self.index = index
        self.specialist = specialist
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

    /// The chat answer, if the reply was one.
    public var answer: ChatAnswer? {
        if case .success(.response(let answer)) = result { answer } else { nil }
    }
}

/// What a round reports, in order: chunks and outcomes as they arrive, then one summary.
public enum RoundEvent: Sendable {
    /// A piece of a streamed answer from specialist `index`.
    case chunk(index: Int, specialist: Specialist, chunk: StreamChunk)
    /// A specialist's outcome (each addressed specialist gets exactly one).
    case outcome(SpecialistOutcome)
    /// The round is over. Always the last event.
    case finished(RoundSummary)
}
