/// Where a specialist is and how to reach it. Each case belongs to one ``TransportKind``.
public enum SpecialistAddress: Hashable, Sendable, CustomStringConvertible {
    /// A Tekton socket service: newline-delimited JSON over TCP.
    case tekton(host: String, port: Int)
    /// A model behind an OpenAI-compatible HTTP API.
    case openAI(OpenAIEndpoint)
    /// A specialist a bridge publishes on a Redis bus.
    case bus(BusAddress)

    /// The transport that reaches this address.
    public var transport: TransportKind {
        switch self {
        case .tekton: .tekton
        case .openAI: .openAI
        case .bus: .bus
        }
    }

    /// `127.0.0.1:45000`, `[::1]:45000`, `http://127.0.0.1:11434/v1 llama3.2`.
    public var description: String {
        switch self {
        case .tekton(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .openAI(let endpoint): "\(endpoint.origin) \(endpoint.model)"
        case .bus(let address): address.description
        }
    }
}
