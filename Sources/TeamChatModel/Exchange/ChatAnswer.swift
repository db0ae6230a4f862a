/// A specialist's answer to a chat.
public struct ChatAnswer: Sendable, Hashable {
    public var content: String
    /// The model that produced it, when the specialist says.
    public var model: String?
    /// Tokens it cost, when its server reported them.
    public var usage: TokenUsage?

    public init(content: String, model: String? = nil, usage: TokenUsage? = nil) {
        self.content = content
        self.model = model
        self.usage = usage
    }
}
