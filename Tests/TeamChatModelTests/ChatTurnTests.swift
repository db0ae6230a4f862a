import TeamChatJSON
import TeamChatModel
import Testing

@Suite("Conversation threads")
struct ChatTurnTests {
    @Test("the budget leaves out the oldest turns first, and a thread never starts with an answer")
    func budget() {
        let turns = [ChatTurn(.user, "aaaa"), ChatTurn(.assistant, "bbbb"), ChatTurn(.user, "cc"), ChatTurn(.assistant, "dd")]
        #expect(ChatTurn.within(100, turns).kept == turns)
        #expect(ChatTurn.within(100, turns).dropped == 0)
        #expect(ChatTurn.within(8, turns).kept == [ChatTurn(.user, "cc"), ChatTurn(.assistant, "dd")])
        // 10 characters would fit "bbbb" too, but an answer without its question is not sent.
        #expect(ChatTurn.within(10, turns).kept == [ChatTurn(.user, "cc"), ChatTurn(.assistant, "dd")])
        #expect(ChatTurn.within(10, turns).dropped == 2)
        #expect(ChatTurn.within(0, turns).kept.isEmpty)
    }

    @Test("threads survive their JSON; anything else is refused")
    func json() throws {
        let threads = ["a": [ChatTurn(.user, "q \"1\""), ChatTurn(.assistant, "é")], "b": [ChatTurn(.user, "q")]]
        let bytes = ChatTurn.json(threads).utf8()
        let members = try bytes.withUnsafeBytes { try JSONObjectReader.members(of: $0) }
        #expect(ChatTurn.threads(json: Dictionary(members, uniquingKeysWith: { $1 })) == threads)
        for bad in [#"{"a":{"role":"user"}}"#, #"{"a":[{"role":"system","content":"x"}]}"#, #"{"a":[{"role":"user"}]}"#] {
            let members = try Array(bad.utf8).withUnsafeBytes { try JSONObjectReader.members(of: $0) }
            #expect(ChatTurn.threads(json: Dictionary(members, uniquingKeysWith: { $1 })) == nil, "\(bad)")
        }
    }
}
