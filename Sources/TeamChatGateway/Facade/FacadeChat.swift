import TeamChatModel
import TeamChatOpenAICodec

/// What a round asked through the OpenAI-compatible facade carries besides its question (DESIGN §7): the client's
/// chat before it, by which the gateway finds the conversation it answered (``ChatTranscript``) and keys this
/// round for the client's next request; and whether it is a UI's small task, answered by one member.
struct FacadeChat: Sendable, Hashable {
    /// The client's user and assistant turns before the question.
    var history: [ChatTurn]
    var task: Bool

    /// The key the client's next request will have for its chat up to this round's answer.
    func key(question: String, answer: String) -> String {
        ChatTranscript(history).adding(question: question, answer: answer).key
    }
}
