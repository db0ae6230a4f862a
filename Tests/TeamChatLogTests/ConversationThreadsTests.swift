import TeamChatLog
import TeamChatModel
import Testing

@Suite("Each member's thread, within its budget: tokens at its own rate when its server counts them")
struct ConversationThreadsTests {
    /// Rounds of 40-character messages; `model` answers 40 characters counted as 10 tokens, `socket` the same
    /// without a count.
    private func rounds(_ count: Int) -> [LoggedRound] {
        (0..<count).map { index in
            let message = String(repeating: Character(String(index % 10)), count: 40)
            return LoggedRound(
                conversation: "c", startedAt: Double(index), source: "s", via: "direct", message: message, addressed: 2,
                replied: 2, elapsedMS: 1,
                answers: [
                    .init(specialist: "model", success: true, content: String(repeating: "m", count: 40), completionTokens: 10),
                    .init(specialist: "socket", success: true, content: String(repeating: "s", count: 40)),
                ])
        }
    }

    private let team = [Specialist.tekton(id: "model", host: "h", port: 1), .tekton(id: "socket", host: "h", port: 2)]

    @Test("a reported token count sets the budget at the member's rate; a member without one keeps the characters' budget")
    func tokenBudget() {
        var threads = ConversationThreads(rounds: rounds(10), budget: 200)
        threads.tokenBudget = 100  // 4 characters a token: 400 characters, five rounds of 80
        let made = threads.threads(for: team)
        #expect(made["model"]?.turns.count == 10 && made["model"]?.total == 20 && made["model"]?.trimmed == true)
        #expect(made["model"]?.turns.first?.role == .user)
        #expect(made["model"]?.turns.first?.content == String(repeating: "5", count: 40))  // the oldest went first
        #expect(made["socket"]?.turns.count == 4)  // 200 characters: two rounds
        threads.tokenBudget = 1_000
        #expect(threads.threads(for: team)["model"]?.trimmed == false)
    }
}
