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

    /// A round said in it.
    func append(_ round: LoggedRound) {
        state.withLockedValue { $0.rounds.append(round) }
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
}
