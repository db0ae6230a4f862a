import TeamChatModel

/// The tokens one specialist's server reported for one model, over the answers the round log keeps
/// (``RoundLog/usage(since:)``).
public struct SpecialistUsage: Sendable, Hashable {
    public var specialist: String
    public var model: String?
    /// The answers that reported tokens.
    public var answers: Int
    public var usage: TokenUsage

    public init(specialist: String, model: String?, answers: Int, usage: TokenUsage) {
        self.specialist = specialist
        self.model = model
        self.answers = answers
        self.usage = usage
    }
}
