/// A specialist's answer to a chat.
public struct ChatAnswer: Sendable, Hashable {
    public var content: String
    /// The model that produced it, when the specialist says.
    public var model: String?

    public init(content: String, model: String? = nil) {
        self.content = content
        self.model = model
    }
}
