/// What one pool connects to.
public struct PoolKey: Hashable, Sendable, CustomStringConvertible {
    /// `tcp` for plain sockets, `http` or `https` for HTTP origins.
    public var scheme: String
    public var host: String
    public var port: Int

    public init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    public var description: String { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}
