/// How long to wait before the next connection attempt: doubling from `initial` up to `maximum`, with up to half of
/// each delay as random jitter so that many clients cut off together do not come back together.
public struct ReconnectBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(50), maximum: Duration = .seconds(2)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before attempt `attempt` (0 for the first retry); `random` is a value in 0..<1.
    public func delay(attempt: Int, random: Double) -> Duration {
        var delay = initial
        for _ in 0..<min(max(0, attempt), 30) where delay < maximum { delay *= 2 }
        delay = min(delay, maximum)
        let jitter = max(0, min(random, 1))
        return delay - delay / 2 * jitter
    }
}
