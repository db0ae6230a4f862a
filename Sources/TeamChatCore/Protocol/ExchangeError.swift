/// Why one specialist's exchange did not produce an answer.
///
/// A value with a ``Kind`` (stable, machine-readable, used in `--json` output as `error_kind`) and a message for
/// people. Only the executable maps errors to exit statuses and colours.
public struct ExchangeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The outcome taxonomy. Raw values are the `error_kind` strings of DESIGN §3.
    public enum Kind: String, CaseIterable, Sendable, Codable, Comparable {
        /// The TCP connect did not finish within the connect timeout.
        case connectTimeout = "connect_timeout"
        /// Nothing listens on the endpoint (or its host could not be resolved).
        case refused
        /// The peer reset the connection.
        case reset
        /// The peer closed the connection before replying.
        case closed
        /// No complete reply within the reply timeout or the round deadline.
        case timeout
        /// The reply was not a valid protocol message (bad JSON, invalid UTF-8, EOF mid-line, wrong type).
        case protocolError = "protocol"
        /// The specialist answered with an `error` reply: it is alive and said no.
        case specialistError = "specialist_error"
        /// Skipped without a request: the specialist's circuit breaker is open.
        case breakerOpen = "breaker_open"
        /// The reply line was longer than the maximum reply size.
        case tooLarge = "too_large"
        /// The exchange was abandoned by us: Ctrl-C, quorum reached, or shutdown.
        case cancelled

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }

        /// Whether this outcome says something is wrong with the specialist or the path to it, so that it counts
        /// towards opening its circuit breaker. An `error` reply, a skip and our own cancellation do not.
        public var isLocalFailure: Bool {
            switch self {
            case .connectTimeout, .refused, .reset, .closed, .timeout, .protocolError, .tooLarge: true
            case .specialistError, .breakerOpen, .cancelled: false
            }
        }

        /// Whether the failure happened before anything was written, so that a retry cannot duplicate a request.
        public var isConnectFailure: Bool {
            self == .connectTimeout || self == .refused
        }
    }

    public var kind: Kind
    public var message: String
    /// Set when the connection failed after the request was written but before a single reply byte arrived: on a
    /// reused connection this means the specialist had closed it while idle (restart, idle timeout).
    var beforeAnyReply = false

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func timeout(after duration: Duration) -> ExchangeError {
        ExchangeError(.timeout, "timeout after \(duration.secondsText)")
    }

    static func invalidReply(_ detail: String) -> ExchangeError {
        ExchangeError(.protocolError, "invalid reply: \(detail)")
    }
}

extension Duration {
    /// Seconds with one decimal, as people read timeouts: `2.0s`, `0.5s`.
    public var secondsText: String {
        let tenths = (Double(components.seconds) * 10 + Double(components.attoseconds) / 1e17).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)s"
    }

    /// Milliseconds as a `Double`, for reports and JSON.
    public var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }
}
