/// Tokens an answer cost, as its server reported them (OpenAI's `usage`): never estimated, so an answer whose server
/// said nothing has none, and a total over such answers is partial.
public struct TokenUsage: Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Nothing yet: where sums of reported usage start.
    public static let zero = TokenUsage(promptTokens: 0, completionTokens: 0)

    public var totalTokens: Int { promptTokens + completionTokens }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(promptTokens: lhs.promptTokens + rhs.promptTokens, completionTokens: lhs.completionTokens + rhs.completionTokens)
    }
}
