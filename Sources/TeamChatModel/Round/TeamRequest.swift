/// What a round asks every addressed specialist, whatever transport reaches it.
public enum TeamRequest: Sendable, Hashable {
    /// A chat message.
    case chat(ChatRequest)
    /// Is it alive? Answered with ``SpecialistReply/alive``.
    case ping
    /// Is it alive, and what is it? Answered with ``SpecialistReply/info(_:)`` (or ``SpecialistReply/alive`` when
    /// it says nothing about itself). Discovery probes with this.
    case probe

    /// A chat with default settings.
    public static func chat(_ message: String, stream: Bool = false) -> TeamRequest {
        .chat(ChatRequest(message: message, stream: stream))
    }

    /// Whether the answer is streamed (and so the reply timeout bounds only its first byte).
    public var isStreaming: Bool {
        if case .chat(let chat) = self { chat.stream } else { false }
    }
}
