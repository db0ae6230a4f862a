import TeamChatCore

/// Turns a round's events into output as they arrive.
protocol RoundRenderer {
    /// A round is about to start; `message` is shown when rounds come from standard input.
    mutating func begin(round: Int, message: String?)
    mutating func render(_ event: RoundEvent)
    /// The round was interrupted: report what arrived so far (`partial` counts only what was rendered).
    mutating func interrupted(_ partial: RoundSummary)
}
