/// What went wrong talking to Redis. Extensible without breaking callers: a struct over a private enum.
public struct RedisError: Error, Hashable, CustomStringConvertible {
    private enum Kind: Hashable {
        case server(String)
        case closed
        case protocolError(String)
        case connect(String)
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

    /// Whether the connection is gone (as opposed to one command refused).
    public var isConnectionLost: Bool {
        switch kind {
        case .closed, .connect: true
        case .server, .protocolError: false
        }
    }

    public var description: String {
        switch kind {
        case .server(let message): "redis: \(message)"
        case .closed: "redis: the connection closed"
        case .protocolError(let message): "redis: \(message)"
        case .connect(let message): "redis: \(message)"
        }
    }
}
