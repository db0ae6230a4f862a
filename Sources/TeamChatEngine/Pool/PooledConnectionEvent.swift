/// What a connection tells its pool about itself while no exchange runs.
public enum PooledConnectionEvent: Sendable {
    /// Bytes arrived while idle: the connection is out of step and must not be leased.
    case unsolicitedBytes
    /// The connection is closed.
    case closed
}
