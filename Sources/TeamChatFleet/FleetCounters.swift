import NIOConcurrencyHelpers

/// What a fleet has seen: connections accepted and requests received, per specialist and request type.
/// Tests use it to prove what a client did (a fresh cache makes no probes, a pool reuses its connections).
public final class FleetCounters: Sendable {
    private struct Counts {
        var connections = 0
        var idleClosed = 0
        var requests: [String: Int] = [:]
        var authorization: String?
        var lastChat: String?
    }

    private let counts = NIOLockedValueBox<[String: Counts]>([:])

    public init() {}

    func connectionAccepted(_ id: String) {
        counts.withLockedValue { $0[id, default: Counts()].connections += 1 }
    }

    func authorizationReceived(_ id: String, _ value: String?) {
        counts.withLockedValue { $0[id, default: Counts()].authorization = value }
    }

    func chatReceived(_ id: String, _ request: String) {
        counts.withLockedValue { $0[id, default: Counts()].lastChat = request }
    }

    /// The last chat request one specialist received, as it came: its Tekton line, or its OpenAI request body.
    public func lastChat(_ id: String) -> String? {
        counts.withLockedValue { $0[id]?.lastChat }
    }

    /// The `Authorization` header of the last chat an OpenAI-compatible specialist received.
    public func authorization(_ id: String) -> String? {
        counts.withLockedValue { $0[id]?.authorization }
    }

    func idleConnectionClosed(_ id: String) {
        counts.withLockedValue { $0[id, default: Counts()].idleClosed += 1 }
    }

    /// Keep-alive connections an `idle-close` specialist closed while they idled.
    public func idleClosed(_ id: String) -> Int {
        counts.withLockedValue { $0[id]?.idleClosed ?? 0 }
    }

    func requestReceived(_ id: String, type: String) {
        counts.withLockedValue { $0[id, default: Counts()].requests[type, default: 0] += 1 }
    }

    /// Connections accepted by one specialist.
    public func connections(_ id: String) -> Int {
        counts.withLockedValue { $0[id]?.connections ?? 0 }
    }

    /// Connections accepted by the whole fleet.
    public var totalConnections: Int {
        counts.withLockedValue { $0.values.reduce(0) { $0 + $1.connections } }
    }

    /// Requests of `type` (`chat`, `ping`, `info`, `health`) received by one specialist.
    public func requests(_ id: String, type: String) -> Int {
        counts.withLockedValue { $0[id]?.requests[type] ?? 0 }
    }

    /// Requests of `type` received by the whole fleet.
    public func totalRequests(type: String) -> Int {
        counts.withLockedValue { $0.values.reduce(0) { $0 + ($1.requests[type] ?? 0) } }
    }
}
