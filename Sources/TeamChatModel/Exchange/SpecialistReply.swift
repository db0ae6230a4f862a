/// A specialist's successful reply, whatever transport carried it.
public enum SpecialistReply: Sendable, Hashable {
    /// The answer to a chat.
    case answer(ChatAnswer)
    /// The answer to a ping (or a probe of a specialist that says nothing about itself).
    case alive
    /// The answer to a probe. Boxed: its five descriptions would more than double the size of every reply, outcome,
    /// event and engine action, which a warm round copies several times per specialist; a probe is rare.
    indirect case info(SpecialistInfo)

    /// The chat answer, if this is one.
    public var answer: ChatAnswer? {
        if case .answer(let answer) = self { answer } else { nil }
    }
}
