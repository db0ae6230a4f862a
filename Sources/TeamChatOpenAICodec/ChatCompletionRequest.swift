import TeamChatJSON
import TeamChatModel

/// A `POST /v1/chat/completions` request to the team as a model (DESIGN §7, the facade): what teamchat reads of
/// OpenAI's body. Members it does not use (`n`, `top_p`, `tools`, …) are accepted and left alone, as a chat client
/// sends many.
public struct ChatCompletionRequest: Sendable, Hashable {
    /// Why a body is refused, and the member (OpenAI's `param`) at fault.
    public struct Problem: Error, Sendable, Hashable {
        public var message: String
        public var param: String?
    }

    /// `team`, or `team/<name>` for a named team.
    public var model: String
    /// The last user message: what the team is asked.
    public var question: String
    /// The turns before it (user and assistant), which every member is given as its thread.
    public var history: [ChatTurn]
    public var stream: Bool
    public var includeUsage: Bool
    public var maxTokens: Int?
    public var temperature: Double?
    /// Members' progress as `delta.reasoning_content` while streaming (off with `"include_reasoning": false`).
    public var includeReasoning: Bool

    /// The named team the model names; nil for `team`.
    public var teamName: String? {
        model == "team" ? nil : String(model.dropFirst("team/".count))
    }

    /// A short task of a chat UI (a title, tags, follow-up suggestions): answered by one member, not the whole team.
    /// Known by a small `max_tokens` (≤ 64, as UIs cap a title) or by Open WebUI's task prompts, which begin
    /// `### Task:` and set no limit.
    public var isTask: Bool {
        (maxTokens ?? .max) <= 64 || question.hasPrefix("### Task:")
    }

    public static func decode(_ bytes: [UInt8]) -> Result<ChatCompletionRequest, Problem> {
        let members: [(key: String, value: JSONObjectReader.Value)]
        do {
            members = try bytes.withUnsafeBytes { buffer throws(JSONObjectReader.Failure) in
                try JSONObjectReader.members(of: buffer)
            }
        } catch {
            return .failure(problem("the body is not a JSON object: \(error)", param: nil))
        }
        let fields = Dictionary(members, uniquingKeysWith: { _, last in last })
        guard let model = fields["model"]?.string, !model.isEmpty else {
            return .failure(problem("'model' is missing: name 'team' or 'team/<name>'", param: "model"))
        }
        guard let messages = fields["messages"]?.array, !messages.isEmpty else {
            return .failure(problem("'messages' must be a non-empty list", param: "messages"))
        }
        var turns: [ChatTurn] = []
        for (index, message) in messages.enumerated() {
            guard let object = message.object, let role = object["role"]?.string else {
                return .failure(problem("messages[\(index)] is not a {role, content} object", param: "messages"))
            }
            guard let content = text(of: object["content"]) else {
                return .failure(problem("messages[\(index)].content is not text", param: "messages"))
            }
            switch role {
            case "user": turns.append(ChatTurn(.user, content))
            case "assistant": turns.append(ChatTurn(.assistant, content))
            case "system", "developer", "tool": continue  // the members keep their own system prompts
            default: return .failure(problem("messages[\(index)].role '\(role)' is not a role", param: "messages"))
            }
        }
        guard let last = turns.last, last.role == .user else {
            return .failure(problem("the last message must be the user's", param: "messages"))
        }
        let options = fields["stream_options"]?.object
        let maxTokens = (fields["max_completion_tokens"] ?? fields["max_tokens"])?.number
        if let maxTokens, maxTokens < 1 || maxTokens > 10_000_000 {
            return .failure(problem("'max_tokens' must be a positive number", param: "max_tokens"))
        }
        let temperature = fields["temperature"]?.number
        if let temperature, !(0...2).contains(temperature) {
            return .failure(problem("'temperature' must be between 0 and 2", param: "temperature"))
        }
        let request = ChatCompletionRequest(
            model: model, question: last.content, history: Array(turns.dropLast()),
            stream: fields["stream"]?.bool ?? false, includeUsage: options?["include_usage"]?.bool ?? false,
            maxTokens: maxTokens.map { Int($0) }, temperature: temperature,
            includeReasoning: fields["include_reasoning"]?.bool ?? true)
        do {
            try ChatRequest(message: request.question).validate()
        } catch {
            return .failure(problem(error.message, param: "messages"))
        }
        return .success(request)
    }

    /// A message's text: a string, or the text parts of a list of parts.
    private static func text(of value: JSONObjectReader.Value?) -> String? {
        if let text = value?.string { return text }
        guard let parts = value?.array else { return nil }
        let texts = parts.compactMap { $0.object?["type"]?.string == "text" ? $0.object?["text"]?.string : nil }
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }

    private static func problem(_ message: String, param: String?) -> Problem {
        Problem(message: message, param: param)
    }
}
