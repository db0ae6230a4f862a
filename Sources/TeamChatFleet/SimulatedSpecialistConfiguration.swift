import NIOCore
import TeamChatRoster

/// Which protocol a simulated specialist speaks.
public enum SimulatedProtocol: String, Sendable, Hashable, CaseIterable {
    /// Newline-delimited JSON over TCP.
    case tekton
    /// OpenAI-compatible chat completions over HTTP (`/v1/chat/completions`, `/v1/models`).
    case openai
}

/// How one simulated specialist behaves.
public struct SimulatedSpecialistConfiguration: Sendable, Hashable {
    public var id: String
    public var wire: SimulatedProtocol
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
    /// Bytes of filler after every Tekton answer (0: none): large answers for soaks, cheap to make.
    public var answerPaddingBytes: Int = 0
    /// What it answers (``SimulatedReply``).
    public var reply: SimulatedReply = .echo
    /// How it answers a council's ranking request (``SimulatedRanking``).
    public var ranking: SimulatedRanking = .asReply
    /// The pause between bytes of a `one-byte` reply.
    public var byteInterval: Duration
    /// How long an `idle-close` specialist lets a keep-alive connection idle before closing it, unannounced.
    public var idleCloseDelay: Duration
    /// The `Retry-After` an `http-429` specialist sends.
    public var retryAfter: Duration

    public init(
        id: String,
        wire: SimulatedProtocol = .tekton,
        port: Int = 0,
        model: String = "sim-1",
        latency: Duration = .zero,
        jitter: Duration = .zero,
        misbehaviour: Misbehaviour? = nil,
        lateDelay: Duration = .seconds(3),
        hugeReplyBytes: Int = 17 * 1024 * 1024,
        byteInterval: Duration = .microseconds(200),
        idleCloseDelay: Duration = .seconds(5),
        retryAfter: Duration = .seconds(2)
    ) {
        self.id = id
        self.wire = wire
        self.port = port
        self.model = model
        self.latency = latency
        self.jitter = jitter
        self.misbehaviour = misbehaviour
        self.lateDelay = lateDelay
        self.hugeReplyBytes = hugeReplyBytes
        self.byteInterval = byteInterval
        self.idleCloseDelay = idleCloseDelay
        self.retryAfter = retryAfter
    }

    /// One reply's think time: the latency, spread uniformly by the jitter, never negative.
    func thinkTime() -> Duration {
        guard jitter > .zero else { return latency }
        let spread = TimeAmount(jitter).nanoseconds
        return max(.zero, latency + .nanoseconds(Int64.random(in: -spread...spread)))
    }

    /// `count` specialists named after the Tekton chorus (then `specialist-19`, …), on `basePort + i`
    /// (or ephemeral ports when `basePort` is 0).
    public static func team(
        count: Int,
        wire: SimulatedProtocol = .tekton,
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
                wire: wire,
                port: basePort == 0 ? 0 : basePort + index,
                // An OpenAI-compatible server lists models by name: each simulated one serves a model of its own.
                model: wire == .openai ? "\(id.split(separator: "-").first ?? "sim")-sim" : "sim-1",
                latency: latency,
                jitter: jitter
            )
        }
    }
}
