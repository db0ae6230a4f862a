import TeamChatCore

/// How one simulated specialist behaves.
public struct SimulatedSpecialistConfiguration: Sendable, Hashable {
    public var id: String
    /// `0` binds an ephemeral port.
    public var port: Int
    public var model: String
    /// Time before each reply.
    public var latency: Duration
    /// Uniform random spread around the latency (±).
    public var jitter: Duration
    public var misbehaviour: Misbehaviour?
    /// How late a `late` specialist answers its first chat.
    public var lateDelay: Duration
    /// The size of a `huge` reply.
    public var hugeReplyBytes: Int
    /// The pause between bytes of a `one-byte` reply.
    public var byteInterval: Duration

    public init(
        id: String,
        port: Int = 0,
        model: String = "sim-1",
        latency: Duration = .zero,
        jitter: Duration = .zero,
        misbehaviour: Misbehaviour? = nil,
        lateDelay: Duration = .seconds(3),
        hugeReplyBytes: Int = 17 * 1024 * 1024,
        byteInterval: Duration = .microseconds(200)
    ) {
        self.id = id
        self.port = port
        self.model = model
        self.latency = latency
        self.jitter = jitter
        self.misbehaviour = misbehaviour
        self.lateDelay = lateDelay
        self.hugeReplyBytes = hugeReplyBytes
        self.byteInterval = byteInterval
    }

    /// `count` specialists named after the Tekton chorus (then `specialist-19`, …), on `basePort + i`
    /// (or ephemeral ports when `basePort` is 0).
    public static func team(
        count: Int,
        basePort: Int = 0,
        latency: Duration = .zero,
        jitter: Duration = .zero
    ) -> [SimulatedSpecialistConfiguration] {
        (0..<count).map { index in
            let id =
                index < TektonPreset.members.count
                ? "\(TektonPreset.members[index].name)-ai" : "specialist-\(index + 1)"
            return SimulatedSpecialistConfiguration(
                id: id,
                port: basePort == 0 ? 0 : basePort + index,
                latency: latency,
                jitter: jitter
            )
        }
    }
}
