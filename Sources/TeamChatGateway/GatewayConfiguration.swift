import TeamChatEngine

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
    /// Open client connections at most; at the cap, the longest-idle one is closed to make room.
    public var maximumConnections: Int
    /// How long a connection may take to deliver a complete request (after connecting, or after its last
    /// response) before it is closed: keeps idle and slow-trickling clients from holding connections for good.
    public var requestTimeout: Duration
    /// The budgets of a round whose request names none.
    public var roundDefaults: RoundOptions
    /// How long a round of the control socket or WebSocket may run at the longest, whatever it asks.
    public var maximumDeadline: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 8003,
        controlSocket: ControlSocket? = nil,
        token: String? = nil,
        maximumBodyBytes: Int = 1 << 20,
        maximumConnections: Int = 1_024,
        requestTimeout: Duration = .seconds(30),
        roundDefaults: RoundOptions = RoundOptions(),
        maximumDeadline: Duration = .seconds(600)
    ) {
        self.host = host
        self.port = port
        self.controlSocket = controlSocket
        self.token = token
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumConnections = maximumConnections
        self.requestTimeout = requestTimeout
        self.roundDefaults = roundDefaults
        self.maximumDeadline = maximumDeadline
    }

    /// Whether `host` names the loopback interface only (a gateway elsewhere needs a token).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
