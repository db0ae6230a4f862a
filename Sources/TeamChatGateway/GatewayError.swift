import NIOHTTP1
import TeamChatJSON

/// A request the gateway refuses: an HTTP status and words for people, answered as
/// `{"error":"…","status":400}`.
public struct GatewayError: Error, Hashable, Sendable, CustomStringConvertible {
    public var status: HTTPResponseStatus
    public var message: String
    /// For 405: the methods the path takes.
    public var allow: [String]
    /// OpenAI's `param` and `code` for the chat-completions facade (`model`, `model_not_found`).
    public var param: String?
    public var code: String?
    /// For 429 and 503: when to try again, in seconds (`Retry-After`).
    public var retryAfter: Int?

    public init(_ status: HTTPResponseStatus, _ message: String, allow: [String] = []) {
        self.status = status
        self.message = message
        self.allow = allow
    }

    public var description: String { "\(status.code) \(message)" }

    /// The body in OpenAI's shape, for the facade's routes: `{"error":{"message","type","param","code"}}`.
    public var openAIBody: JSONObjectWriter {
        var error = JSONObjectWriter()
        error.add("message", message)
        let type: String =
            switch status.code {
            case 401, 403: "authentication_error"
            case 404: "invalid_request_error"
            case 429: "rate_limit_error"
            case 400..<500: "invalid_request_error"
            default: "server_error"
            }
        error.add("type", type)
        error.add("param", param)
        error.add("code", code)
        var object = JSONObjectWriter()
        object.add("error", object: error)
        return object
    }

    /// The JSON body.
    public var body: JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("error", message)
        object.add("status", Int(status.code))
        return object
    }

    /// The gateway is running as many rounds as it may (``GatewayConfiguration/maximumRounds``).
    static func saturated(_ maximum: Int) -> GatewayError {
        var error = GatewayError(.tooManyRequests, "the gateway is running its \(maximum) rounds at most: try again shortly")
        error.retryAfter = 1
        return error
    }

    static let shuttingDown = GatewayError(.serviceUnavailable, "the gateway is shutting down")

    static func badRequest(_ message: String) -> GatewayError {
        GatewayError(.badRequest, message)
    }
}
