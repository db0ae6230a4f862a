/// One specialist's circuit breaker (DESIGN §4), as a pure state machine: the caller passes the time and, for
/// trips, the jitter factor, so every transition can be tested exactly. It lives in memory in a ``HealthBook``;
/// the cache file persists it, so a dead specialist is skipped from the next invocation on.
///
/// closed → open after ``tripThreshold`` consecutive local failures → after the open period (5 s, doubling per
/// re-trip, capped at 5 min, ±20 % jitter) one trial request (half-open) → closed on success, open again (longer)
/// on failure. An error answer proves the specialist alive: it is not a local failure and resets the count.
public struct CircuitBreaker: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        /// Requests flow. `failures` counts consecutive local failures. Moves to `open`.
        case closed(failures: Int)
        /// Requests are skipped until `until`. Moves to `halfOpen` when a request comes after `until`.
        case open(until: WallTime)
        /// One trial request was let through at `since`; its outcome decides. Moves to `closed` or `open`.
        case halfOpen(since: WallTime)
    }

    public static let tripThreshold = 3
    public static let basePeriod: Duration = .seconds(5)
    public static let maximumPeriod: Duration = .seconds(300)

    public private(set) var state: State = .closed(failures: 0)
    /// How many times it opened since it was last closed by a success (drives the doubling).
    public private(set) var trips = 0

    public init() {}

    /// A breaker as stored.
    public init(state: State, trips: Int) {
        self.state = state
        self.trips = trips
    }

    /// Decides about a request at `now`. Moving from open to half-open happens here, for exactly one request; while
    /// the trial is out, others are skipped, unless it has been out for a whole base period (its process died).
    public mutating func admit(now: WallTime) -> Admission {
        switch state {
        case .closed:
            return .allow
        case .open(let until):
            guard now >= until else { return .skip(remaining: now.duration(to: until)) }
            state = .halfOpen(since: now)
            return .trial
        case .halfOpen(let since):
            let stale = since.advanced(by: Self.basePeriod)
            guard now >= stale else { return .skip(remaining: now.duration(to: stale)) }
            state = .halfOpen(since: now)
            return .trial
        }
    }

    /// Records an outcome observed at `now` (`nil`: a success). `jitter` scales the open period (0.8…1.2 in
    /// production).
    public mutating func record(_ kind: ExchangeError.Kind?, now: WallTime, jitter: Double) {
        guard let kind else {
            state = .closed(failures: 0)
            trips = 0
            return
        }
        guard kind.isLocalFailure else {
            if kind == .specialistError { state = .closed(failures: 0) }
            return
        }
        switch state {
        case .closed(let failures):
            if failures + 1 >= Self.tripThreshold {
                trip(now: now, jitter: jitter)
            } else {
                state = .closed(failures: failures + 1)
            }
        case .halfOpen:
            trip(now: now, jitter: jitter)
        case .open(let until):
            // After `until` this was a trial another process let through: trip again, longer. Before it, the
            // request was already in flight when the breaker opened.
            if now >= until { trip(now: now, jitter: jitter) }
        }
    }

    /// The trial was abandoned (quorum reached first, Ctrl-C): the next request becomes the trial.
    public mutating func abandonTrial(now: WallTime) {
        if case .halfOpen = state { state = .open(until: now) }
    }

    /// The specialist asked us to stay away (HTTP 429 `Retry-After`): open until then, without counting a trip.
    public mutating func hold(until: WallTime) {
        switch state {
        case .open(let current) where current >= until: return
        default: state = .open(until: until)
        }
    }

    /// The open period after `trips` trips, before jitter: 5 s, 10 s, 20 s, … capped at 5 min.
    public static func period(trips: Int) -> Duration {
        var period = basePeriod
        for _ in 1..<max(1, min(trips, 32)) where period < maximumPeriod { period *= 2 }
        return min(period, maximumPeriod)
    }

    private mutating func trip(now: WallTime, jitter: Double) {
        trips = min(trips + 1, 1_000)
        let period = Self.period(trips: trips)
        state = .open(until: now.advanced(by: .milliseconds(Int64((period.seconds * jitter * 1_000).rounded()))))
    }
}
