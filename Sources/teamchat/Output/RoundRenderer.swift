import TeamChatCore

/// Turns a round's events into output as they arrive.
protocol RoundRenderer {
    /// A round is about to start; `message` is shown when rounds come from standard input.
    mutating func begin(round: Int, message: String?)
    mutating func render(_ event: RoundEvent)
    /// The round was interrupted: report what arrived so far (`partial` counts only what was rendered).
    mutating func interrupted(_ partial: RoundSummary)
}

/// Human wording for outcome kinds, shared by every renderer for people.
enum KindWords {
    /// `1 timeout`, `2 refused`, `1 protocol error`.
    static func count(_ kind: ExchangeError.Kind, _ n: Int) -> String {
        switch kind {
        case .connectTimeout: "\(n) connect timeout\(n == 1 ? "" : "s")"
        case .refused: "\(n) refused"
        case .reset: "\(n) reset"
        case .closed: "\(n) closed"
        case .timeout: "\(n) timeout\(n == 1 ? "" : "s")"
        case .protocolError: "\(n) protocol error\(n == 1 ? "" : "s")"
        case .specialistError: "\(n) specialist error\(n == 1 ? "" : "s")"
        case .breakerOpen: "\(n) skipped"
        case .tooLarge: "\(n) too large"
        case .cancelled: "\(n) cancelled"
        }
    }

    /// The summary line: `17/18 replied · slowest 212 ms · 1 timeout · 2.00 s`.
    static func summary(_ summary: RoundSummary, interrupted: Bool = false) -> String {
        var parts = ["\(summary.replied)/\(summary.addressed) replied"]
        if let slowest = summary.slowest { parts.append("slowest \(Formatting.latency(slowest))") }
        for (kind, n) in summary.failures.sorted(by: { $0.key < $1.key }) {
            parts.append(count(kind, n))
        }
        if summary.quorum < summary.addressed {
            parts.append(summary.quorumMet ? "quorum \(summary.quorum) met" : "quorum \(summary.quorum) not met")
        }
        parts.append(Formatting.latency(summary.elapsed))
        if interrupted { parts.append("interrupted") }
        return parts.joined(separator: " · ")
    }
}
