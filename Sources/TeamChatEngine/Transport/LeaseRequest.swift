import NIOCore
import TeamChatModel

/// One lease request.
public struct LeaseRequest: Sendable {
    public var token: ExchangeToken
    public var specialist: Specialist
    /// How long opening a new connection may take.
    public var connectTimeout: Duration
    /// When to give up waiting for a connection.
    public var deadline: NIODeadline

    public init(token: ExchangeToken, specialist: Specialist, connectTimeout: Duration, deadline: NIODeadline) {
        self.token = token
        self.specialist = specialist
        self.connectTimeout = connectTimeout
        self.deadline = deadline
    }
}
