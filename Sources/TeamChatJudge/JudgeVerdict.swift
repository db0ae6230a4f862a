import TeamChatModel

/// What the judge made of a round (DESIGN §10): its synthesis, on what it was based, and who could not be heard.
public struct JudgeVerdict: Sendable, Hashable {
    /// A member that gave no answer to judge, and how it failed.
    public struct Missing: Sendable, Hashable {
        public var specialist: String
        public var kind: ExchangeError.Kind
        public var words: String
    }

    /// A judge that failed before its first byte, so that the next was asked.
    public struct Attempt: Sendable, Hashable {
        public var judge: String
        public var kind: ExchangeError.Kind
        public var words: String
    }

    /// Who wrote the synthesis; nil when no judge could.
    public var judge: String?
    public var content: String
    /// The judge answered in full.
    public var success: Bool
    /// The judge was cut short after it began (its deadline, a dropped connection, a stream that ended without
    /// its end): `content` is what it had said.
    public var truncated: Bool
    /// The members whose answers the judge was given, in label order.
    public var basedOn: [String]
    public var missing: [Missing]
    /// Label → member id: how the judge's `Response A` maps back.
    public var labels: [AnonymizedAnswers.Entry]
    public var attempts: [Attempt]
    /// The last judge's failure, when there was no synthesis or it was cut short.
    public var error: ExchangeError?
    public var elapsed: Duration
    /// The judge's own time to its first byte, as its exchange measured it.
    public var firstByte: Duration?
    /// From the round's end to the judge's first words reaching us: the judge's time to first byte plus ours
    /// (making the prompt, leasing a connection, writing, reading).
    public var firstToken: Duration?
    /// The synthesis was given the council's ranking.
    public var ranked: Bool
    /// The tokens the judge's answer cost, when its server reported them.
    public var usage: TokenUsage?
}
