/// How many control frames (pings, pongs) a WebSocket client may send: a bucket of ``capacity`` that refills at
/// ``perSecond``. A client that pings faster than that is flooding: it is closed (1008), so that answering its pings
/// can never fill memory with pongs it does not read.
struct ControlFrameBudget<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    let capacity: Double
    let perSecond: Double
    private var tokens: Double
    private var last: Instant?

    init(capacity: Int = 32, perSecond: Double = 8) {
        self.capacity = Double(capacity)
        self.perSecond = perSecond
        self.tokens = Double(capacity)
    }

    /// Takes one frame's worth at `now`; false when the budget is spent.
    mutating func take(now: Instant) -> Bool {
        if let last {
            let elapsed = last.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(capacity, tokens + max(0, seconds) * perSecond)
        }
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
