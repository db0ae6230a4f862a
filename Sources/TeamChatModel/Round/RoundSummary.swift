/// The totals of a round: how many replied, failed, were skipped, and how long it all took.
public struct RoundSummary: Sendable, Hashable {
    public var addressed: Int
    public var quorum: Int
    public var replied = 0
    /// Failures other than skips and cancellations.
    public var failed = 0
    /// Not asked: circuit breaker open.
    public var skipped = 0
    /// Abandoned by us: quorum reached first, or interrupted.
    public var cancelled = 0
    /// Failures by kind (skips and cancellations included).
    public var failures: [ExchangeError.Kind: Int] = [:]
    /// The slowest successful reply.
    public var slowest: Duration?
    /// From the start of the round to its end.
    public var elapsed: Duration = .zero
    /// The tokens the answers cost, as far as their servers reported them.
    public var usage: TokenUsage?
    /// Answers whose server reported no tokens: with any, ``usage`` is partial.
    public var unreportedUsage = 0

    public init(addressed: Int, quorum: Int) {
        self.addressed = addressed
        self.quorum = quorum
    }

    /// Whether enough specialists replied.
    public var quorumMet: Bool { replied >= quorum }

    /// Whether no addressed specialist could even be reached (all refused, unreachable or skipped).
    public var noneReachable: Bool {
        addressed == 0 || failures.filter { $0.key.isUnreachable }.values.reduce(0, +) == addressed
    }

    /// Counts one outcome.
    public mutating func add(_ outcome: SpecialistOutcome) {
        switch outcome.result {
        case .success(let reply):
            replied += 1
            slowest = max(slowest ?? .zero, outcome.elapsed)
            if let answer = reply.answer {
                if let used = answer.usage { usage = (usage ?? .zero) + used }
                else { unreportedUsage += 1 }
            }
        case .failure(let error) where error.isNotNeeded:
            cancelled += 1  // the quorum was met first: no failure of anyone's
        case .failure(let error):
            failures[error.kind, default: 0] += 1
            switch error.kind {
            case .breakerOpen: skipped += 1
            case .cancelled: cancelled += 1
            default: failed += 1
            }
        }
    }
}
