/// Connections a transport holds, summed over its pools.
public struct TransportStatistics: Sendable, Hashable {
    public var open = 0
    public var idle = 0
    public var leased = 0
    public var connecting = 0
    /// Lease requests waiting for a connection.
    public var waiting = 0
    /// Connections opened since the transport started.
    public var opened = 0

    public init() {}

    public static func + (lhs: TransportStatistics, rhs: TransportStatistics) -> TransportStatistics {
        var sum = lhs
        sum.open += rhs.open
        sum.idle += rhs.idle
        sum.leased += rhs.leased
        sum.connecting += rhs.connecting
        sum.waiting += rhs.waiting
        sum.opened += rhs.opened
        return sum
    }
}
