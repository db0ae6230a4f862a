import NIOConcurrencyHelpers
import TeamChatLog
import TeamChatModel

/// A conversation (DESIGN §9): its id and the rounds said in it so far, from which each specialist's own thread is
/// made — its earlier questions and its own answers, never another's. A round a specialist failed or was skipped
/// in leaves its question in that specialist's thread without an answer.
final class Conversation: Sendable {
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

    init(id: String = Conversation.newID(), rounds: [LoggedRound] = [], budget: Int = ConversationThreads.defaultBudget) {
        state = NIOLockedValueBox(State(id: id, rounds: rounds))
        self.budget = budget
    }

    static func newID() -> String { ConversationThreads.newID() }

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
            let last = state.rounds.last?.answers.filter(\.success) ?? []
            // `judge` names the judge's synthesis; any other id a member's answer.
            let answered = Set(last.map { $0.role == .judge ? ConversationThreads.judgeShare : $0.specialist })
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
        let made = state.withLockedValue { state in
            ConversationThreads(
                rounds: state.rounds, budget: budget, sharing: state.sharing, roundtable: state.roundtable
            ).threads(for: team)
        }
        for (id, thread) in made.sorted(by: { $0.key < $1.key }) where thread.trimmed {
            if state.withLockedValue({ $0.trimmedSaid.insert(id).inserted }) {
                Warnings.warn(
                    "\(id) is sent the last \(thread.turns.count) of \(thread.total) turns of this conversation "
                        + "(at most \(budget) characters)")
            }
        }
        return made.mapValues(\.turns)
    }
}
