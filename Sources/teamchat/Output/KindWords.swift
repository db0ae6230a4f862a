import TeamChatModel

/// Human wording for outcome kinds, shared by every renderer for people.
enum KindWords {
    /// `1 timeout`, `2 refused`, `1 protocol error`.
    static func count(_ kind: ExchangeError.Kind, _ n: Int) -> String {
        let plural = n == 1 ? "" : "s"
        return switch kind {
        case .connectTimeout: "\(n) connect timeout\(plural)"
        case .timeout: "\(n) timeout\(plural)"
        case .protocolError: "\(n) protocol error\(plural)"
        case .specialistError: "\(n) specialist error\(plural)"
        case .breakerOpen: "\(n) skipped"
        case .tooLarge: "\(n) too large"
        case .httpStatus: "\(n) HTTP error\(plural)"
        case .rateLimited: "\(n) rate limited"
        case .resolve: "\(n) unresolved"
        case .tls: "\(n) TLS failure\(plural)"
        case .noResponders: "\(n) no responder\(plural)"
        case .localResource: "\(n) local limit\(plural)"
        case .authentication: "\(n) refused our credentials"
        case .truncated: "\(n) cut short"
        default: "\(n) \(kind.rawValue)"
        }
    }

    /// The summary line: `17/18 replied · slowest 212 ms · 1 timeout · 2.00 s`.
    static func summary(_ summary: RoundSummary, interrupted: Bool = false) -> String {
        var parts = ["\(summary.replied)/\(summary.addressed) replied"]
        if let slowest = summary.slowest { parts.append("slowest \(Formatting.latency(slowest))") }
        for (kind, n) in summary.failures.sorted(by: { $0.key < $1.key }) {
            parts.append(count(kind, n))
        }
        // Cancelled without a failure counted: not needed once the quorum was met.
        let notNeeded = summary.cancelled - (summary.failures[.cancelled] ?? 0)
        if notNeeded > 0 { parts.append("\(notNeeded) not needed") }
        if summary.quorum < summary.addressed {
            parts.append(summary.quorumMet ? "quorum \(summary.quorum) met" : "quorum \(summary.quorum) not met")
        }
        if let usage = summary.usage {
            // Reported tokens only: an answer whose server said nothing is counted as unknown, never as 0.
            parts.append("\(usage.totalTokens) tokens" + (summary.unreportedUsage > 0 ? " (\(summary.unreportedUsage) unreported)" : ""))
        }
        parts.append(Formatting.latency(summary.elapsed))
        if interrupted { parts.append("interrupted") }
        return parts.joined(separator: " · ")
    }

    /// What happened, in words; text from the specialist is sanitised to one line.
    static func describe(_ error: ExchangeError) -> String {
        switch error.kind {
        case .specialistError: "error from specialist: " + TerminalSanitizer.sanitizeLine(error.message)
        case .truncated where error.partialContent?.isEmpty == false:
            // What came before the cut, on one line, so that it is never mistaken for a whole answer.
            TerminalSanitizer.sanitizeLine(error.message) + " — it had said: "
                + TerminalSanitizer.sanitizeLine(String(error.partialContent!.prefix(200)))
        default: TerminalSanitizer.sanitizeLine(error.message)
        }
    }
}
