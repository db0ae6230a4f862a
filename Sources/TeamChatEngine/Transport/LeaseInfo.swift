/// What a lease says about its connection.
public struct LeaseInfo: Sendable, Hashable {
    /// Whether the connection carried an exchange before.
    public var reused: Bool
    /// How long opening it took, when it was opened for this lease.
    public var connectDuration: Duration?

    public init(reused: Bool, connectDuration: Duration?) {
        self.reused = reused
        self.connectDuration = connectDuration
    }
}
