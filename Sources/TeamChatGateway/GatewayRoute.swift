import NIOHTTP1

/// What a request asks of the gateway: its method and path, matched against the routes of DESIGN §7.
public enum GatewayRoute: Sendable, Hashable {
    /// `POST /api/team-chat`: Rhetor's round, answered as one JSON document.
    case teamChat
    /// `GET /api/team-chat/stream?message=…` or `POST` with a JSON body: the round as server-sent events.
    case stream
    /// `GET /api/team-chat/ws`: WebSocket rounds (reached here only when the upgrade headers were missing).
    case webSocket
    /// `GET /api/team-chat/sockets`: the roster with health and breaker state.
    case sockets
    /// `POST /v1/rounds`: the round as NDJSON events (what `send` uses over the control socket).
    case rounds
    /// `POST /v1/warm`: open connections to everyone and ping, NDJSON rows (what `warm` uses).
    case warm
    /// `GET /v1/team?source=…`: the team as the cache would hold it, live health included (what `send`, `warm`
    /// and `stats` read first); 409 when the gateway serves another source.
    case team
    /// `GET /v1/conversations/ID`: a conversation's rounds, every answer, from the round log (DESIGN §9).
    case conversation
    /// `GET /v1/models`: the team as OpenAI-compatible models, `team` and `team/<name>` (the facade).
    case models
    /// `POST /v1/chat/completions`: a round (and its synthesis) answered as a chat completion (the facade).
    case chatCompletions
    /// `GET /metrics`: Prometheus text.
    case metrics
    /// `GET /healthz`.
    case health
    /// `GET /`, `/app.js`, `/app.css`: the team in a browser (``GatewayPage``); open without a token, since it
    /// holds nothing but the page, which asks for the token itself.
    case page

    /// The route for `method` and `uri`, or the error to answer: 404 for an unknown path, 405 (with `Allow`) for a
    /// known path asked with the wrong method.
    public static func match(method: HTTPMethod, uri: String) -> Result<GatewayRoute, GatewayError> {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        let allowed: [(method: HTTPMethod, route: GatewayRoute)]
        switch path {
        case "/api/team-chat": allowed = [(.POST, .teamChat)]
        case "/api/team-chat/stream": allowed = [(.GET, .stream), (.POST, .stream)]
        case "/api/team-chat/ws": allowed = [(.GET, .webSocket)]
        case "/api/team-chat/sockets": allowed = [(.GET, .sockets)]
        case "/v1/rounds": allowed = [(.POST, .rounds)]
        case "/v1/warm": allowed = [(.POST, .warm)]
        case "/v1/team": allowed = [(.GET, .team)]
        case "/metrics": allowed = [(.GET, .metrics)]
        case "/healthz": allowed = [(.GET, .health)]
        case "/v1/models": allowed = [(.GET, .models)]
        case "/v1/chat/completions": allowed = [(.POST, .chatCompletions)]
        case _ where path.hasPrefix(conversationsPrefix) && path.count > conversationsPrefix.count:
            allowed = [(.GET, .conversation)]
        case _ where GatewayPage.asset(path) != nil: allowed = [(.GET, .page)]
        default: return .failure(GatewayError(.notFound, "no route \(path)"))
        }
        if let match = allowed.first(where: { $0.method == method }) { return .success(match.route) }
        if method == .HEAD, let match = allowed.first(where: { $0.method == .GET }) { return .success(match.route) }
        let names = allowed.map(\.method.rawValue).sorted()
        return .failure(GatewayError(.methodNotAllowed, "\(path) takes \(names.joined(separator: ", "))", allow: names))
    }

    static let conversationsPrefix = "/v1/conversations/"

    /// Whether `uri` is one of the facade's, whose errors take OpenAI's shape.
    public static func speaksOpenAI(_ uri: String) -> Bool {
        uri.hasPrefix("/v1/models") || uri.hasPrefix("/v1/chat/completions")
    }

    /// The conversation id a `/v1/conversations/ID` path names (percent-escapes are not decoded: an id has none).
    public static func conversationID(_ uri: String) -> String {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        return String(path.dropFirst(conversationsPrefix.count))
    }

    /// Whether `uri` may be asked without a token: the page's own files only.
    public static func isPublic(_ uri: String) -> Bool {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        return GatewayPage.asset(path) != nil
    }

    /// Whether asking it changes something (starts a round, opens connections): what another page must never do.
    public var changesState: Bool {
        switch self {
        case .teamChat, .stream, .rounds, .warm, .webSocket, .chatCompletions: true
        case .sockets, .team, .conversation, .models, .metrics, .health, .page: false
        }
    }

    /// Its name in metrics and logs.
    public var name: String {
        switch self {
        case .teamChat: "team_chat"
        case .stream: "stream"
        case .webSocket: "websocket"
        case .sockets: "sockets"
        case .rounds: "rounds"
        case .warm: "warm"
        case .team: "team"
        case .conversation: "conversation"
        case .models: "models"
        case .chatCompletions: "chat_completions"
        case .metrics: "metrics"
        case .health: "healthz"
        case .page: "page"
        }
    }
}
