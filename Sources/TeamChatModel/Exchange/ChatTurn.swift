import TeamChatJSON

/// One earlier turn of a conversation, as one specialist saw it: what it was asked, or what it answered.
public struct ChatTurn: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case user
        case assistant
    }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }

    /// `turns` without the oldest ones, so that what is left holds at most `budget` characters (the newest turns
    /// are what a reply depends on most); and how many were left out.
    public static func within(_ budget: Int, _ turns: [ChatTurn]) -> (kept: [ChatTurn], dropped: Int) {
        var total = 0
        var start = turns.endIndex
        while start > turns.startIndex {
            let size = turns[start - 1].content.count
            guard total + size <= budget else { break }
            total += size
            start -= 1
        }
        // A thread starts with a question, never with an answer whose question was left out.
        while start < turns.endIndex, turns[start].role == .assistant { start += 1 }
        return (Array(turns[start...]), start - turns.startIndex)
    }
}

extension ChatTurn {
    /// `{"role":"user"|"assistant","content":…}`, as every wire that carries a thread writes a turn.
    public var json: JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("role", role.rawValue)
        object.add("content", content)
        return object
    }

    /// A turn read from JSON; nil for anything else.
    public init?(json value: JSONObjectReader.Value) {
        guard let object = value.object, let content = object["content"]?.string,
            let role = object["role"]?.string.flatMap(Role.init(rawValue:))
        else { return nil }
        self.init(role, content)
    }

    /// Threads by specialist id as one JSON object (`{"apollo":[turn, …], …}`, ids in order).
    public static func json(_ threads: [String: [ChatTurn]]) -> JSONObjectWriter {
        var object = JSONObjectWriter()
        for (id, turns) in threads.sorted(by: { $0.key < $1.key }) { object.add(id, objects: turns.map(\.json)) }
        return object
    }

    /// Threads read back from ``json(_:)``'s object; nil when any part is not a thread.
    public static func threads(json members: [String: JSONObjectReader.Value]) -> [String: [ChatTurn]]? {
        var threads: [String: [ChatTurn]] = [:]
        for (id, value) in members {
            guard let list = value.array else { return nil }
            var turns: [ChatTurn] = []
            for entry in list {
                guard let turn = ChatTurn(json: entry) else { return nil }
                turns.append(turn)
            }
            threads[id] = turns
        }
        return threads
    }
}
