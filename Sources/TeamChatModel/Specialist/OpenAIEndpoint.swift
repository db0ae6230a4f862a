/// An OpenAI-compatible chat specialist (DESIGN §2a): one model behind an API base such as
/// `http://127.0.0.1:11434/v1` (Ollama), llama.cpp's or vLLM's server, or a hosted API.
public struct OpenAIEndpoint: Hashable, Sendable {
    public var origin: HTTPOrigin
    public var model: String
    /// The name of the environment variable holding the API key (sent as `Authorization: Bearer`). Only the name is
    /// ever kept: the key itself is read when a request is made and never written, printed or logged.
    public var apiKeyVariable: String?
    /// A system message sent before each user message.
    public var system: String?
    public var maxTokens: Int?
    public var temperature: Double?
    /// Extra request headers, sent as given.
    public var headers: [String: String]
    /// Secret request headers: each header's name and the environment variable its value is read from when a
    /// request is made (`"headers": {"X-Api-Key": {"env": "VAR"}}` in a roster). Like the API key, a value is never
    /// kept, written, printed or logged, and is redacted from whatever a server echoes.
    public var secretHeaders: [String: String]
    /// How long a pooled connection may idle before it is closed: below the server's own keep-alive timeout
    /// (uvicorn and llama.cpp close idle connections after 5 s, unannounced). 4 s by default.
    public var idleTimeout: Duration?

    public init(
        origin: HTTPOrigin,
        model: String,
        apiKeyVariable: String? = nil,
        system: String? = nil,
        maxTokens: Int? = nil,
        temperature: Double? = nil,
        headers: [String: String] = [:],
        secretHeaders: [String: String] = [:],
        idleTimeout: Duration? = nil
    ) {
        self.origin = origin
        self.model = model
        self.apiKeyVariable = apiKeyVariable
        self.system = system
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.headers = headers
        self.secretHeaders = secretHeaders
        self.idleTimeout = idleTimeout
    }

    public static let defaultIdleTimeout: Duration = .seconds(4)
}
