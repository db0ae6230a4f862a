/// What a specialist's circuit breaker says about asking it now.
public enum Admission: Sendable, Hashable {
    /// Ask it.
    case allow
    /// Ask it as the one half-open trial: its outcome decides whether the breaker closes.
    case trial
    /// Do not ask it; the breaker stays open this much longer.
    case skip(remaining: Duration)
}
