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

extension LoggedRound {
    /// A round read back from its JSON (``json``): how the spool's lines come into the log (``RoundSpool``). Nil for
    /// an object that is not a whole round.
    public init?(json fields: JSONFields) {
        do throws(JSONFields.Problem) {
            guard try fields.optionalString("type") == "round" else { return nil }
            self.init(
                id: try fields.string("id"), conversation: try fields.optionalString("conversation"),
                startedAt: try fields.number("started_at", in: 0...1e11), source: try fields.string("source"),
                via: try fields.string("via"), message: try fields.string("message"),
                addressed: try fields.integer("addressed", in: 0...10_000_000),
                replied: try fields.integer("replied", in: 0...10_000_000),
                elapsedMS: try fields.number("elapsed_ms", in: 0...1e12),
                interrupted: try fields.optionalBool("interrupted") ?? false,
                answers: try (fields.members["answers"] == nil ? [] : fields.objects("answers")).map { entry throws(JSONFields.Problem) in
                    var answer = Answer(
                        specialist: try entry.string("specialist_id"), success: try entry.optionalBool("success") ?? false,
                        content: try entry.optionalString("content"), errorKind: try entry.optionalString("error_kind"),
                        error: try entry.optionalString("error"), latencyMS: try entry.optionalNumber("elapsed_ms", in: 0...1e12),
                        firstByteMS: try entry.optionalNumber("first_byte_ms", in: 0...1e12),
                        model: try entry.optionalString("model"),
                        promptTokens: try entry.optionalInteger("prompt_tokens", in: 0...Int(Int32.max)),
                        completionTokens: try entry.optionalInteger("completion_tokens", in: 0...Int(Int32.max)))
                    answer.role = try entry.optionalString("role").flatMap(Answer.Role.init(rawValue:)) ?? .member
                    return answer
                })
        } catch {
            return nil
        }
    }
}
