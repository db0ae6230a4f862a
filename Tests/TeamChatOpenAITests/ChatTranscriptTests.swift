import TeamChatModel
import TeamChatOpenAICodec
import Testing

@Suite("A chat client's chat, keyed so the facade knows it again")
struct ChatTranscriptTests {
    private let chat = ChatTranscript([
        ChatTurn(.user, "one"), ChatTurn(.assistant, "ONE"), ChatTurn(.user, "two"), ChatTurn(.assistant, "TWO"),
    ])

    @Test("each answered point of the chat has the key the facade gave it when it answered")
    func answeredKeys() {
        let first = ChatTranscript([]).adding(question: "one", answer: "ONE")
        let second = first.adding(question: "two", answer: "TWO")
        #expect(chat.answeredKeys == [first.key, second.key])
        #expect(second.key == chat.key)
        #expect(chat.key.count == 64 && chat.key.allSatisfy(\.isHexDigit))
        #expect(ChatTranscript([ChatTurn(.user, "one")]).answeredKeys.isEmpty)
    }

    @Test("what a client trims keeps the key; any other change, a role, or where texts meet, changes it")
    func changes() {
        #expect(ChatTranscript([ChatTurn(.user, " one\n"), ChatTurn(.assistant, "ONE\n\n")]).key
            == ChatTranscript([ChatTurn(.user, "one"), ChatTurn(.assistant, "ONE")]).key)
        let keys = [
            ChatTranscript([ChatTurn(.user, "ab"), ChatTurn(.assistant, "c")]).key,
            ChatTranscript([ChatTurn(.user, "a"), ChatTurn(.assistant, "bc")]).key,
            ChatTranscript([ChatTurn(.assistant, "ab"), ChatTurn(.assistant, "c")]).key,
            ChatTranscript([ChatTurn(.user, "ab"), ChatTurn(.assistant, "C")]).key,
        ]
        #expect(Set(keys).count == keys.count)
    }
}
