import TeamChatLog
import TeamChatModel
import TeamChatRoster

/// How a ``Gateway`` listens, whom it lets in, and the bounds it keeps.
public struct GatewayConfiguration: Sendable {
    /// The TCP address of the HTTP API (`127.0.0.1:8003`, Rhetor's port, by default). Port 0 picks one.
    public var host: String
    public var port: Int
    /// The control socket's path (`nil`: none), claimed with ``ControlSocket/claim(_:)`` before the gateway runs.
    public var controlSocket: ControlSocket?
    /// When set, every request must carry `Authorization: Bearer <token>`.
    public var token: String?
    /// The largest request body accepted (a message itself is bounded at 64 KiB).
    public var maximumBodyBytes: Int
    /// Open client connections at most; at the cap, one that never completed a request (the oldest), else the
    /// longest idle, is closed to make room, never one being answered (``ConnectionRegistry``).
    public var maximumConnections: Int
    /// Rounds (and warm-ups) running at once at most, over every client: one more is refused with 429 and
    /// `Retry-After` (OpenAI's `rate_limit_error` on the facade) rather than queued behind them.
    public var maximumRounds: Int = 512
    /// How long a request may take to arrive whole, once it starts (and a new connection to start one): a body or
    /// an upgrade that stalls is closed after this.
    public var requestTimeout: Duration
    /// How long a connection may wait idle between requests (keep-alive), or a WebSocket with no round in flight,
    /// before it is closed.
    public var idleTimeout: Duration
    /// How long a client may leave what it is sent unread before it is dropped (its rounds cancelled).
    public var writeTimeout: Duration
    /// What the gateway holds for one client that does not read, beyond one piece of any size, before dropping it.
    public var maximumUnreadBytes: Int
    /// The budgets of a round whose request names none. They are also the limits a request may not raise: its
    /// `max_reply_bytes` is at most these' (``roundLimits``).
    public var roundDefaults: RoundOptions
    /// How long a round may run at the longest, whatever it asks: its `timeout` and `deadline` are at most this.
    public var maximumDeadline: Duration
    /// The names a request's Host may give besides `localhost`, loopback addresses and the listen address
    /// (`--allow-host`; `*` any).
    public var allowedHosts: [String]
    /// The browser origins besides the gateway's own that may use it (`--allow-origin`; `*` any).
    public var allowedOrigins: [String]
    /// Where the rounds of TCP clients are kept (DESIGN §9); nil: nowhere. Rounds through the control socket are
    /// the client's to keep (`send` logs what it prints), so that no round is kept twice.
    public var roundLog: RoundLog?
    /// The named teams a request may ask for by `team` (DESIGN §10): those of the teams file whose source this
    /// gateway serves.
    public var teams: [NamedTeam] = []
    /// Dollars per million tokens by model (the teams file's `prices`): the page prices what servers report.
    public var prices: [String: ModelPrice] = [:]
    /// How long a judge, and each council member's ranking, may take.
    public var judgeTimeout: Duration = .seconds(60)

    public init(
        host: String = "127.0.0.1",
        port: Int = 8003,
        controlSocket: ControlSocket? = nil,
        token: String? = nil,
        maximumBodyBytes: Int = 1 << 20,
        maximumConnections: Int = 1_024,
        requestTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        writeTimeout: Duration = .seconds(10),
        maximumUnreadBytes: Int = 1 << 20,
        roundDefaults: RoundOptions = RoundOptions(),
        maximumDeadline: Duration = .seconds(600),
        allowedHosts: [String] = [],
        allowedOrigins: [String] = [],
        roundLog: RoundLog? = nil
    ) {
        self.host = host
        self.port = port
        self.controlSocket = controlSocket
        self.token = token
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumConnections = maximumConnections
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maximumUnreadBytes = maximumUnreadBytes
        self.roundDefaults = roundDefaults
        self.maximumDeadline = maximumDeadline
        self.allowedHosts = allowedHosts
        self.allowedOrigins = allowedOrigins
        self.roundLog = roundLog
    }

    /// Who may ask from a browser, for the TCP listener (``OriginPolicy``).
    var originPolicy: OriginPolicy {
        OriginPolicy(listenHost: host, allowedHosts: allowedHosts, allowedOrigins: allowedOrigins)
    }

    /// Whether `host` names the loopback interface only (a gateway elsewhere needs a token).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
