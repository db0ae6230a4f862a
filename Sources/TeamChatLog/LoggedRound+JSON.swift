import TeamChatJSON

extension LoggedRound {
    /// The round as `log --json`, `log export` and the gateway's `GET /v1/conversations/ID` write it: one object of
    /// type `round`, with its answers when it has any.
    public var json: JSONObjectWriter {
        var object = JSONObjectWriter(type: "round")
        object.add("id", id)
        object.add("conversation", conversation)
        object.add("started_at", startedAt)
        object.add("source", source)
        object.add("via", via)
        object.add("message", message)
        object.add("addressed", addressed)
        object.add("replied", replied)
        object.add("elapsed_ms", elapsedMS)
        object.add("interrupted", interrupted)
        if !answers.isEmpty {
            object.add("answers", objects: answers.map(\.json))
        }
        return object
    }
}

extension LoggedRound.Answer {
    /// One specialist's part of a round in JSON.
    public var json: JSONObjectWriter {
        var entry = JSONObjectWriter()
        entry.add("specialist_id", specialist)
        if role != .member { entry.add("role", role.rawValue) }
        entry.add("success", success)
        entry.add("content", content)
        entry.add("error_kind", errorKind)
        entry.add("error", error)
        entry.add("elapsed_ms", latencyMS)
        entry.add("first_byte_ms", firstByteMS)
        entry.add("model", model)
        entry.add("prompt_tokens", promptTokens)
        entry.add("completion_tokens", completionTokens)
        return entry
    }
}
