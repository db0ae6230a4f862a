/// One specialist of a team: a socket service speaking the Tekton protocol.
public struct Specialist: Sendable, Hashable, Codable {
    /// The id people address it by, e.g. `apollo-ai`.
    public var id: String
    public var host: String
    public var port: Int
    /// What `info` said, when known.
    public var model: String?
    public var component: String?
    public var description: String?

    public init(
        id: String,
        host: String,
        port: Int,
        model: String? = nil,
        component: String? = nil,
        description: String? = nil
    ) {
        self.id = id
        self.host = host
        self.port = port
        self.model = model
        self.component = component
        self.description = description
    }

    /// Where it listens.
    public var endpoint: Endpoint { Endpoint(host: host, port: port) }
}

/// A host and port; the key of a connection pool.
public struct Endpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
