import TeamChatJudge
import TeamChatModel

/// Turns a round's events into output as they arrive.
protocol RoundRenderer {
    /// A round is about to start; `message` is shown when rounds come from standard input.
    mutating func begin(round: Int, message: String?)
    mutating func render(_ event: RoundEvent)
    /// The round was interrupted: report what arrived so far (`partial` counts only what was rendered).
    mutating func interrupted(_ partial: RoundSummary)
    /// Whether ``tick(elapsed:)`` should be called while the round waits (a live status line).
    var wantsTicks: Bool { get }
    /// About ten times a second while the round runs, when ``wantsTicks``.
    mutating func tick(elapsed: Duration)
    /// What the judge or the council says after the round (DESIGN §10); `answers` maps its labels to members.
    mutating func synthesis(_ event: SynthesisEvent, answers: AnonymizedAnswers)
}

extension RoundRenderer {
    var wantsTicks: Bool { false }
    mutating func tick(elapsed: Duration) {}
}
