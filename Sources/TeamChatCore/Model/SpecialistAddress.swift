/// Where a specialist is and how to reach it. Each case belongs to one ``TransportKind``.
public enum SpecialistAddress: Hashable, Sendable, CustomStringConvertible {
    /// A Tekton socket service: newline-delimited JSON over TCP.
    case tekton(host: String, port: Int)

    /// The transport that reaches this address.
    public var transport: TransportKind {
        switch self {
        case .tekton: .tekton
        }
    }

    /// `127.0.0.1:45000`, `[::1]:45000`.
    public var description: String {
        switch self {
        case .tekton(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
