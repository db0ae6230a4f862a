/// What went wrong talking to Redis. Extensible without breaking callers: a struct over a private enum.
public struct RedisError: Error, Hashable, CustomStringConvertible {
    private enum Kind: Hashable {
        case server(String)
        case closed
        case protocolError(String)
        case connect(String)
        case timeout(String)
    }

    private let kind: Kind

    /// The server refused the command (`-ERR …`, `-WRONGPASS …`), in its words.
    public static func server(_ message: String) -> RedisError { RedisError(kind: .server(message)) }
    /// The connection closed before the reply.
    public static let closed = RedisError(kind: .closed)
    /// The server sent something that is not a reply to what was asked.
    public static func protocolError(_ message: String) -> RedisError { RedisError(kind: .protocolError(message)) }
    /// The connection could not be made (or its handshake failed).
    public static func connect(_ message: String) -> RedisError { RedisError(kind: .connect(message)) }
    /// No reply within the command's deadline: the connection was closed (a late reply would answer the next
    /// command).
    public static func timeout(_ message: String) -> RedisError { RedisError(kind: .timeout(message)) }

    /// Whether the connection is gone (as opposed to one command refused).
    public var isConnectionLost: Bool {
        switch kind {
        case .closed, .connect, .timeout: true
        case .server, .protocolError: false
        }
    }

    public var description: String {
        switch kind {
        case .server(let message): "redis: \(message)"
        case .closed: "redis: the connection closed"
        case .protocolError(let message): "redis: \(message)"
        case .connect(let message): "redis: \(message)"
        case .timeout(let message): "redis: \(message)"
        }
    }

    /// Whether the server refused us for who we are: a wrong or missing password, a user without the right
    /// (`WRONGPASS`, `NOAUTH`, `NOPERM`).
    public var isAuthenticationFailure: Bool {
        let message: String
        switch kind {
        case .server(let words), .connect(let words): message = words
        default: return false
        }
        return ["WRONGPASS", "NOAUTH", "NOPERM", "invalid password", "AUTH failed"].contains { message.contains($0) }
    }

    /// Whether the command got no reply in time.
    public var isTimeout: Bool {
        if case .timeout = kind { true } else { false }
    }
}
