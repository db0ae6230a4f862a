/// Why one specialist's exchange did not produce an answer.
///
/// A value with a ``Kind`` (stable, machine-readable: the `error_kind` of `--json` output) and a message for people.
/// Only the executable maps errors to exit statuses and colours. Hints that only the engine needs (whether a failed
/// exchange may be retried on a new connection) travel beside the error in ``ExchangeResult``, never inside it.
public struct ExchangeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var kind: Kind
    public var message: String
    /// The HTTP status, for `http_status` and `rate_limited`.
    public var status: Int?
    /// What had arrived of an answer cut short (`truncated`).
    public var partialContent: String?

    public init(_ kind: Kind, _ message: String, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { message }

    /// `timeout after 2.0s`.
    public static func timeout(after duration: Duration) -> ExchangeError {
        ExchangeError(.timeout, "timeout after \(duration.secondsText)")
    }

    /// `invalid reply: …`, a protocol error.
    public static func invalidReply(_ detail: String) -> ExchangeError {
        ExchangeError(.protocolError, "invalid reply: \(detail)")
    }

    /// Abandoned by us.
    public static func cancelled(_ why: String? = nil) -> ExchangeError {
        ExchangeError(.cancelled, why.map { "cancelled: \($0)" } ?? "cancelled")
    }

    /// The quorum was met before this specialist answered: its answer was not needed. Not a failure of anyone's,
    /// and shown as such (dim in the CLI, neither red nor a failure on the page).
    public static let notNeeded = ExchangeError(.cancelled, "not needed (quorum met)")

    /// Whether this is ``notNeeded``.
    public var isNotNeeded: Bool { self == Self.notNeeded }

    /// A request that met its connection already ended, so nothing was written (it may be retried on a new one):
    /// `reset` when the specialist reset it, `closed` otherwise.
    public static func notSent(afterReset reset: Bool) -> ExchangeError {
        reset
            ? ExchangeError(.reset, "connection reset by specialist before the request was sent")
            : ExchangeError(.closed, "connection closed before the request was sent")
    }
}

extension ExchangeError {
    /// The outcome taxonomy of DESIGN §3. A struct over a private enum (the postgres-nio and AsyncHTTPClient
    /// style): new kinds can be added without breaking callers, who compare with the static members.
    public struct Kind: Hashable, Sendable, Comparable, CustomStringConvertible {
        private enum Base: String, CaseIterable, Sendable {
            case connectTimeout = "connect_timeout"
            case refused
            case reset
            case closed
            case timeout
            case protocolError = "protocol"
            case specialistError = "specialist_error"
            case breakerOpen = "breaker_open"
            case tooLarge = "too_large"
            case cancelled
            case httpStatus = "http_status"
            case rateLimited = "rate_limited"
            case resolve
            case tls
            case noResponders = "no_responders"
            case localResource = "local_resource"
            case authentication = "auth"
            case truncated
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The `error_kind` string.
        public var rawValue: String { base.rawValue }

        public init?(rawValue: String) {
            guard let base = Base(rawValue: rawValue) else { return nil }
            self.base = base
        }

        public var description: String { rawValue }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }

        /// Every kind teamchat knows.
        public static var allCases: [Kind] { Base.allCases.map(Kind.init) }

        /// The TCP connect did not finish within the connect timeout.
        public static let connectTimeout = Kind(.connectTimeout)
        /// Nothing listens on the endpoint.
        public static let refused = Kind(.refused)
        /// The peer reset the connection.
        public static let reset = Kind(.reset)
        /// The peer closed the connection before replying.
        public static let closed = Kind(.closed)
        /// No complete reply within the reply timeout or the round deadline.
        public static let timeout = Kind(.timeout)
        /// The reply was not a valid protocol message (bad JSON, invalid UTF-8, EOF mid-line, wrong type).
        public static let protocolError = Kind(.protocolError)
        /// The specialist answered with an error of its own: it is alive and said no.
        public static let specialistError = Kind(.specialistError)
        /// Skipped without a request: the specialist's circuit breaker is open.
        public static let breakerOpen = Kind(.breakerOpen)
        /// The reply was larger than the maximum reply size.
        public static let tooLarge = Kind(.tooLarge)
        /// The exchange was abandoned by us: Ctrl-C, quorum reached, or shutdown.
        public static let cancelled = Kind(.cancelled)
        /// An HTTP specialist answered with a non-2xx status (in ``ExchangeError/status``).
        public static let httpStatus = Kind(.httpStatus)
        /// An HTTP specialist answered 429 Too Many Requests.
        public static let rateLimited = Kind(.rateLimited)
        /// The specialist's host name could not be resolved.
        public static let resolve = Kind(.resolve)
        /// The TLS handshake failed (untrusted certificate, wrong host, protocol mismatch).
        public static let tls = Kind(.tls)
        /// Nobody on the bus answers for this specialist (its bridge is gone).
        public static let noResponders = Kind(.noResponders)
        /// Our own limits (out of file descriptors, memory): never the specialist's fault.
        public static let localResource = Kind(.localResource)
        /// We were refused for who we are: HTTP 401 or 403 (a missing or wrong API key), a bus that refused our
        /// password. Nothing will change until the configuration does, so it never moves a breaker.
        public static let authentication = Kind(.authentication)
        /// The answer started and stopped before it was complete: a stream that ended without saying it was done
        /// (llama.cpp's server ends an interrupted request with `[DONE]` and no `finish_reason`). The partial answer
        /// travels with the failure.
        public static let truncated = Kind(.truncated)

        /// Whether this outcome says something is wrong with the specialist or the path to it, so that it counts
        /// towards opening its circuit breaker. An error answer, a skip, our own cancellation, our own resource
        /// limits and rate limiting (which opens the breaker for exactly its `Retry-After`) do not.
        public var isLocalFailure: Bool {
            switch base {
            case .connectTimeout, .refused, .reset, .closed, .timeout, .protocolError, .tooLarge, .httpStatus,
                .resolve, .tls, .noResponders, .truncated:
                true
            case .specialistError, .breakerOpen, .cancelled, .rateLimited, .localResource, .authentication:
                false
            }
        }

        /// Whether the specialist could not be reached at all (nothing was sent): a round in which every failure
        /// is of this kind reached nobody (exit status 69).
        public var isUnreachable: Bool {
            switch base {
            case .connectTimeout, .refused, .resolve, .tls, .noResponders, .localResource, .breakerOpen, .authentication:
                true
            default: false
            }
        }

        /// Whether a failed connection attempt may be retried with `--retries`: it wrote nothing, so a retry can
        /// never duplicate a request.
        public var isRetryableConnectFailure: Bool {
            switch base {
            case .connectTimeout, .refused, .resolve: true
            default: false
            }
        }
    }
}
