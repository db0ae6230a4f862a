import TeamChatModel

/// A chat as an OpenAI-style client holds it — its user and assistant turns in order — named by a key, so that the
/// facade can tell a conversation it answered before when the client sends it back (DESIGN §7).
///
/// A chat client sends the whole chat with every request. When the facade answers, it keeps the key of the chat
/// as the client will then hold it (its turns, the question, the answer it gave); the next request's earlier
/// turns, if the client changed none of them, have the same key — and each earlier point of the chat, the key of
/// an earlier round. Keys are SHA-256 of the turns with their lengths (so no two chats share a key by how their
/// texts run together); contents are compared without the whitespace at their ends, which clients trim.
public struct ChatTranscript: Sendable, Hashable {
    public var turns: [ChatTurn]

    public init(_ turns: [ChatTurn]) {
        self.turns = turns
    }

    /// The key of the whole chat: 64 hex digits.
    public var key: String {
        var hasher = SHA256()
        for turn in turns { Self.add(turn, to: &hasher) }
        return SHA256.hex(hasher.finish())
    }

    /// The keys of the chat as it stood after each assistant turn, oldest first: the rounds the facade answered, if
    /// it answered them. One pass: the hash's state is copied at each answer.
    public var answeredKeys: [String] {
        var hasher = SHA256()
        var keys: [String] = []
        for turn in turns {
            Self.add(turn, to: &hasher)
            if turn.role == .assistant {
                let copy = hasher
                keys.append(SHA256.hex(copy.finish()))
            }
        }
        return keys
    }

    private static func add(_ turn: ChatTurn, to hasher: inout SHA256) {
        let content = Array(turn.content.trimmingEdges.utf8)
        hasher.update(Array("\(turn.role == .user ? "u" : "a")\(content.count):".utf8))
        hasher.update(content)
    }


    /// The chat with one more exchange: the question and the answer given to it.
    public func adding(question: String, answer: String) -> ChatTranscript {
        ChatTranscript(turns + [ChatTurn(.user, question), ChatTurn(.assistant, answer)])
    }
}

extension String {
    fileprivate var trimmingEdges: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
