import TeamChatModel
/// How one exchange on a leased connection ended, as a transport reports it to the engine.
public struct ExchangeResult: Sendable {
    /// The reply, or why there is none. A specialist's own error answer is a failure of kind `specialist_error`.
    public var outcome: Result<SpecialistReply, ExchangeError>
    /// From the request to the first byte of its reply, when the transport knows.
    public var firstByte: Duration?
    /// Whether the connection is in step with its peer and may carry another exchange.
    public var reusable: Bool
    /// The connection failed after the request was written and before a single byte came back. On a reused
    /// connection that means its peer closed it while it was idle (a restart, an idle timeout): the request reached
    /// nobody, so the engine retries it once on a new connection.
    public var nothingReceived: Bool
    /// The specialist asked us to stay away this long (HTTP 429 `Retry-After`): its breaker opens for it.
    public var retryAfter: Duration?

    public init(
        outcome: Result<SpecialistReply, ExchangeError>,
        firstByte: Duration? = nil,
        reusable: Bool,
        nothingReceived: Bool = false,
        retryAfter: Duration? = nil
    ) {
        self.outcome = outcome
        self.firstByte = firstByte
        self.reusable = reusable
        self.nothingReceived = nothingReceived
        self.retryAfter = retryAfter
    }

    /// A reply on a connection that stays in step.
    public static func reply(_ reply: SpecialistReply, firstByte: Duration?, reusable: Bool = true) -> ExchangeResult {
        ExchangeResult(outcome: .success(reply), firstByte: firstByte, reusable: reusable)
    }

    /// A failure; the connection is not reused.
    public static func failure(_ error: ExchangeError, nothingReceived: Bool = false) -> ExchangeResult {
        ExchangeResult(outcome: .failure(error), reusable: false, nothingReceived: nothingReceived)
    }

    /// A connection that failed during an exchange: the one place that says when the engine may retry it on a new
    /// connection (``nothingReceived``): when not a byte came back (`heardBack` false) and we did not cancel it.
    public static func failure(_ error: ExchangeError, heardBack: Bool) -> ExchangeResult {
        .failure(error, nothingReceived: !heardBack && error.kind != .cancelled)
    }

    /// A request that met its connection already ended: nothing was written, so it may be retried at once on a new
    /// one; `reset` when the specialist had reset it.
    public static func notSent(afterReset reset: Bool) -> ExchangeResult {
        .failure(.notSent(afterReset: reset), nothingReceived: true)
    }
}
