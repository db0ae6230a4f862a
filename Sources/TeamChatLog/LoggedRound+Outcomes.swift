import TeamChatJudge
import TeamChatModel

extension LoggedRound {
    /// A round the engine ran: its summary and the outcomes it reported, in the team's order.
    public init(
        conversation: String? = nil, startedAt: Double, source: String, via: String, message: String,
        summary: RoundSummary, outcomes: [SpecialistOutcome], interrupted: Bool = false
    ) {
        self.init(
            conversation: conversation, startedAt: startedAt, source: source, via: via, message: message, addressed: summary.addressed,
            replied: summary.replied, elapsedMS: Self.milliseconds(summary.elapsed), interrupted: interrupted,
            answers: outcomes.sorted { $0.index < $1.index }.map(Answer.init))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}

extension LoggedRound.Answer {
    /// What one specialist did in a round (its words and errors as the engine redacted them).
    public init(_ outcome: SpecialistOutcome) {
        self.init(
            specialist: outcome.specialistID, success: outcome.isSuccess, content: outcome.answer?.content,
            errorKind: outcome.error.map { $0.kind.rawValue }, error: outcome.error?.message,
            latencyMS: LoggedRound.milliseconds(outcome.elapsed),
            firstByteMS: outcome.firstByte.map(LoggedRound.milliseconds), model: outcome.answer?.model,
            promptTokens: outcome.answer?.usage?.promptTokens, completionTokens: outcome.answer?.usage?.completionTokens)
    }
}

extension LoggedRound.Answer {
    /// The judge's synthesis as the log keeps it, beside the members' answers (`role` judge); nil when no judge
    /// said anything.
    public init?(_ verdict: JudgeVerdict) {
        guard let judge = verdict.judge ?? verdict.attempts.last?.judge else { return nil }
        self.init(
            specialist: judge, success: verdict.success, content: verdict.content.isEmpty ? nil : verdict.content,
            errorKind: verdict.error.map { verdict.truncated ? ExchangeError.Kind.truncated.rawValue : $0.kind.rawValue },
            error: verdict.error?.message, latencyMS: LoggedRound.milliseconds(verdict.elapsed),
            firstByteMS: verdict.firstByte.map(LoggedRound.milliseconds))
        role = .judge
    }
}
