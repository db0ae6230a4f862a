import TeamChatModel

/// What a model's tokens cost, in US dollars per million (`teams.json`'s `"prices"`), and a round's cost from the
/// tokens its servers reported. Never a guess: an answer whose model has no price, or whose server reported no
/// tokens, makes the total partial — and with nothing priced there is no total at all, never $0.
public struct ModelPrice: Sendable, Hashable {
    public var promptPerMillion: Double
    public var completionPerMillion: Double

    public init(promptPerMillion: Double, completionPerMillion: Double) {
        self.promptPerMillion = promptPerMillion
        self.completionPerMillion = completionPerMillion
    }

    public func cost(_ usage: TokenUsage) -> Double {
        (Double(usage.promptTokens) * promptPerMillion + Double(usage.completionTokens) * completionPerMillion) / 1e6
    }
}

/// A round's cost so far, answer by answer.
public struct CostTally: Sendable, Hashable {
    public let prices: [String: ModelPrice]
    /// Dollars of the answers priced; nil while none was.
    public private(set) var dollars: Double?
    /// Answers that could not be priced (no price for their model, or no tokens reported).
    public private(set) var unpriced = 0

    public init(prices: [String: ModelPrice]) {
        self.prices = prices
    }

    /// The cost of one answer, counted in; nil when it cannot be priced.
    @discardableResult
    public mutating func add(_ outcome: SpecialistOutcome) -> Double? {
        guard let answer = outcome.answer else { return nil }
        return add(model: answer.model, usage: answer.usage)
    }

    /// The cost of `usage` by `model`, counted in; nil when it cannot be priced.
    @discardableResult
    public mutating func add(model: String?, usage: TokenUsage?) -> Double? {
        guard let usage, let model, let price = prices[model] else {
            unpriced += 1
            return nil
        }
        let cost = price.cost(usage)
        dollars = (dollars ?? 0) + cost
        return cost
    }

    /// `$0.000123`, `$0.000123 (partial)`, or `cost —` when nothing could be priced.
    public var words: String {
        guard let dollars else { return "cost —" }
        return "$" + Self.format(dollars) + (unpriced > 0 ? " (partial)" : "")
    }

    public static func format(_ dollars: Double) -> String {
        // Six decimals: a round of a small model costs fractions of a cent.
        let micro = Int((dollars * 1e6).rounded())
        let whole = micro / 1_000_000
        let fraction = String(micro % 1_000_000)
        return "\(whole)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
