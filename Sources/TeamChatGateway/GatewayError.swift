import NIOHTTP1
import TeamChatJSON

/// A request the gateway refuses: an HTTP status and words for people, answered as
/// `{"error":"…","status":400}`.
public struct GatewayError: Error, Hashable, Sendable, CustomStringConvertible {
    public var status: HTTPResponseStatus
    public var message: String
    /// For 405: the methods the path takes.
    public var allow: [String]

    public init(_ status: HTTPResponseStatus, _ message: String, allow: [String] = []) {
        self.status = status
        self.message = message
        self.allow = allow
    }

    public var description: String { "\(status.code) \(message)" }

    /// The JSON body.
    public var body: JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("error", message)
        object.add("status", Int(status.code))
        return object
    }

    static func badRequest(_ message: String) -> GatewayError {
        GatewayError(.badRequest, message)
    }
}
