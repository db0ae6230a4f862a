import TeamChatModel

/// Each specialist's own thread of a conversation (DESIGN §9), made from the rounds said in it: its earlier
/// questions and its own answers, never another's — unless they were shared, attributed, as a turn of its own. A
/// round a specialist failed or was skipped in leaves its question in that thread without an answer. The oldest
/// turns are left out first to keep a thread within its budget: tokens, at the specialist's own rate, when its
/// server reported them; characters otherwise. Pure: the prompt, `send -c` and the gateway make threads the same
/// way.
public struct ConversationThreads: Sendable {
    /// Characters of earlier turns a specialist is sent at most; the oldest are left out first.
    public static let defaultBudget = 24_000
    /// Tokens of earlier turns a specialist is sent at most when its server reported how many tokens it wrote:
    /// counted at its own tokenizer's rate (its answers' completion tokens over their characters).
    public static let defaultTokenBudget = 6_000

    /// The conversation so far, oldest round first.
    public var rounds: [LoggedRound]
    /// In characters, for a specialist whose server reports no tokens.
    public var budget: Int
    public var tokenBudget: Int = defaultTokenBudget
    /// Whose answers of the last round every member's next turn carries (`--share`, `/share`).
    public var sharing: [String]
    /// Every member's turn carries the others' answers of the last round (`--roundtable`).
    public var roundtable: Bool

    public init(rounds: [LoggedRound], budget: Int = defaultBudget, sharing: [String] = [], roundtable: Bool = false) {
        self.rounds = rounds
        self.budget = budget
        self.sharing = sharing
        self.roundtable = roundtable
    }

    /// What one specialist's thread is: its turns within the budget, and how many turns there were before the
    /// oldest were left out.
    public struct Thread: Sendable, Hashable {
        public var turns: [ChatTurn]
        public var total: Int
        public var trimmed: Bool { turns.count < total }
    }

    /// The thread of each member of `team` that does not keep its own context; empty when nothing was said yet.
    public func threads(for team: [Specialist]) -> [String: Thread] {
        guard !rounds.isEmpty else { return [:] }
        var threads: [String: Thread] = [:]
        for specialist in team where !specialist.keepsOwnContext {
            var turns: [ChatTurn] = []
            for round in rounds {
                turns.append(ChatTurn(.user, round.message))
                if let answer = round.answers.first(where: {
                    $0.specialist == specialist.id && $0.role == .member && $0.success
                }),
                    let content = answer.content
                {
                    turns.append(ChatTurn(.assistant, content))
                }
            }
            if let shared = sharedTurn(for: specialist.id) { turns.append(shared) }
            threads[specialist.id] = Thread(turns: ChatTurn.within(budget(for: specialist.id), turns).kept, total: turns.count)
        }
        return threads
    }

    /// `id`'s budget in characters: the token budget at its tokenizer's rate when its server reported tokens for
    /// answers of this conversation, else the characters' budget.
    func budget(for id: String) -> Int {
        var tokens = 0
        var characters = 0
        for round in rounds {
            for answer in round.answers where answer.specialist == id && answer.role == .member {
                guard let written = answer.completionTokens, written > 0, let content = answer.content, !content.isEmpty
                else { continue }
                tokens += written
                characters += content.count
            }
        }
        guard tokens > 0 else { return budget }
        return Int((Double(tokenBudget) * Double(characters) / Double(tokens)).rounded(.down))
    }

    /// The others' answers of the last round that `id` is given, attributed, as a turn of its own before the new
    /// message: the shared ones (`judge` shares the judge's synthesis), or with the roundtable every member's; never
    /// its own.
    private func sharedTurn(for id: String) -> ChatTurn? {
        guard let last = rounds.last else { return nil }
        let answers = last.answers.filter { answer in
            guard answer.success else { return false }
            if answer.role == .judge { return sharing.contains(Self.judgeShare) }
            return answer.specialist != id && (roundtable || sharing.contains(answer.specialist))
        }
        guard !answers.isEmpty else { return nil }
        let lines = answers.map { answer in
            answer.role == .judge
                ? "[the judge's synthesis]: \(answer.content ?? "")" : "[\(answer.specialist)]: \(answer.content ?? "")"
        }
        return ChatTurn(.user, "Others on the team answered the last message:\n\n" + lines.joined(separator: "\n\n"))
    }

    /// What `/share` and `--share` name to share the judge's synthesis.
    public static let judgeShare = "judge"

    /// Whether `text` may name a conversation: 1–64 letters, digits, `-` and `_` (what a URL path and a terminal
    /// carry unescaped).
    public static func isValidID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_")
            }
    }

    /// A new conversation id: 12 hex digits.
    public static func newID() -> String { String(LoggedRound.newID().prefix(12)) }
}
