/// Where a bus specialist is: the bus (its URL without any password: it is written to the cache) and the bridge
/// that fronts it.
public struct BusAddress: Hashable, Sendable, CustomStringConvertible {
    /// `redis://host:6379/team`.
    public var bus: String
    /// The bridge's id (host name and process), as its presence says.
    public var bridge: String

    public init(bus: String, bridge: String) {
        self.bus = bus
        self.bridge = bridge
    }

    /// `redis://host:6379/team via box-1234`.
    public var description: String { "\(bus) via \(bridge)" }
}
