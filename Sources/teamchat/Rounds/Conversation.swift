import NIOConcurrencyHelpers
import TeamChatEngine
import TeamChatLog

/// A conversation (DESIGN §9): its id and the rounds said in it so far, from which each specialist's own thread is
/// made — its earlier questions and its own answers, never another's. A round a specialist failed or was skipped
/// in leaves its question in that specialist's thread without an answer.
final class Conversation: Sendable {
    /// Characters of earlier turns a specialist is sent at most; the oldest are left out first.
    static let defaultBudget = 24_000

    private struct State {
        var id: String
        var rounds: [LoggedRound]
        var trimmedSaid: Set<String> = []
        /// Whose answers of the last round every member's next turn carries (`--share`, `/share`): once.
        var sharing: [String] = []
        /// Every member's turn carries the others' answers of the last round (`--roundtable`, `/roundtable on`).
        var roundtable = false
    }

    private let state: NIOLockedValueBox<State>
    let budget: Int

    init(id: String = Conversation.newID(), rounds: [LoggedRound] = [], budget: Int = Conversation.defaultBudget) {
        state = NIOLockedValueBox(State(id: id, rounds: rounds))
        self.budget = budget
    }

    static func newID() -> String { String(LoggedRound.newID().prefix(12)) }

    var id: String { state.withLockedValue { $0.id } }
    var rounds: [LoggedRound] { state.withLockedValue { $0.rounds } }

    /// Starts over under a new id (the prompt's `/new`).
    func startOver() {
        state.withLockedValue { $0 = State(id: Self.newID(), rounds: []) }
    }

    /// A round said in it; what was shared for it is spent.
    func append(_ round: LoggedRound) {
        state.withLockedValue {
            $0.rounds.append(round)
            $0.sharing = []
        }
    }

    /// Shares these members' answers of the last round with everyone in the next one (DESIGN §9: sharing is
    /// explicit). Returns the ids that have no answer there to share.
    @discardableResult
    func share(_ ids: [String]) -> [String] {
        state.withLockedValue { state in
            let answered = Set(state.rounds.last?.answers.filter(\.success).map(\.specialist) ?? [])
            state.sharing += ids.filter { answered.contains($0) && !state.sharing.contains($0) }
            return ids.filter { !answered.contains($0) }
        }
    }

    /// Whether every round gives each member the others' previous answers.
    var roundtable: Bool {
        get { state.withLockedValue { $0.roundtable } }
        set { state.withLockedValue { $0.roundtable = newValue } }
    }

    /// Each of `team`'s thread so far, within the budget; says once per specialist when older turns were left out.
    func threads(for team: [Specialist]) -> [String: [ChatTurn]] {
        let rounds = self.rounds
        guard !rounds.isEmpty else { return [:] }
        var threads: [String: [ChatTurn]] = [:]
        for specialist in team where !specialist.keepsOwnContext {
            var turns: [ChatTurn] = []
            for round in rounds {
                turns.append(ChatTurn(.user, round.message))
                if let answer = round.answers.first(where: { $0.specialist == specialist.id && $0.success }),
                    let content = answer.content
                {
                    turns.append(ChatTurn(.assistant, content))
                }
            }
            if let shared = sharedTurn(for: specialist.id) { turns.append(shared) }
            let (kept, dropped) = ChatTurn.within(budget, turns)
            if dropped > 0, state.withLockedValue({ $0.trimmedSaid.insert(specialist.id).inserted }) {
                Warnings.warn(
                    "\(specialist.id) is sent the last \(kept.count) of \(turns.count) turns of this conversation "
                        + "(at most \(budget) characters)")
            }
            threads[specialist.id] = kept
        }
        return threads
    }

    /// The others' answers of the last round that `id` is given, attributed, as a turn of its own before the new
    /// message: the shared ones, or with the roundtable everyone's; never its own.
    private func sharedTurn(for id: String) -> ChatTurn? {
        let (last, sharing, roundtable) = state.withLockedValue { ($0.rounds.last, $0.sharing, $0.roundtable) }
        guard let last else { return nil }
        let answers = last.answers.filter { answer in
            answer.success && answer.specialist != id && (roundtable || sharing.contains(answer.specialist))
        }
        guard !answers.isEmpty else { return nil }
        let lines = answers.map { "[\($0.specialist)]: \($0.content ?? "")" }
        return ChatTurn(.user, "Others on the team answered the last message:\n\n" + lines.joined(separator: "\n\n"))
    }
}
