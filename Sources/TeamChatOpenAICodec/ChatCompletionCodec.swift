import TeamChatJSON
import TeamChatModel

/// The JSON of OpenAI's chat completions API (DESIGN §2a), read leniently: what matters is
/// `choices[0].message.content` (or, streaming, `choices[0].delta.content`), the `model`, `finish_reason`, and an
/// `error` wherever a server puts one. `null` roles and contents are fine.
public enum ChatCompletionCodec {
    /// The request body for `chat` to `endpoint`.
    /// With `history`, the specialist's earlier turns go between the system prompt and the message:
    /// `[system?, u1, a1, u2, a2, …, message]`.
    public static func body(_ chat: ChatRequest, for endpoint: OpenAIEndpoint, history: [ChatTurn] = []) -> [UInt8] {
        var body = JSONObjectWriter()
        body.add("model", endpoint.model)
        var messages: [JSONObjectWriter] = []
        if let system = endpoint.system {
            var message = JSONObjectWriter()
            message.add("role", "system")
            message.add("content", system)
            messages.append(message)
        }
        messages += history.map(\.json)
        var user = JSONObjectWriter()
        user.add("role", "user")
        user.add("content", chat.message)
        messages.append(user)
        body.add("messages", objects: messages)
        body.add("stream", chat.stream)
        if chat.stream {
            // The tokens a streamed answer cost come in one last chunk, only when asked for.
            var options = JSONObjectWriter()
            options.add("include_usage", true)
            body.add("stream_options", object: options)
        }
        body.add("max_tokens", chat.maxTokens ?? endpoint.maxTokens)
        body.add("temperature", chat.temperature ?? endpoint.temperature)
        return body.utf8()
    }

    /// A whole (not streamed) completion.
    public enum Completion: Sendable, Hashable {
        case answer(ChatAnswer)
        /// The body carried an error instead.
        case error(String)
    }

    /// Reads a whole completion; `nil` when the body is not one.
    public static func completion(_ bytes: UnsafeRawBufferPointer) -> Completion? {
        guard let root = try? JSONObjectReader.value(of: bytes).object else { return nil }
        if let error = errorMessage(root["error"]) { return .error(error) }
        guard let choice = root["choices"]?.array?.first?.object else { return nil }
        let message = choice["message"]?.object ?? choice
        let content = message["content"]?.string ?? choice["text"]?.string ?? ""
        return .answer(ChatAnswer(content: content, model: root["model"]?.string, usage: usage(root["usage"])))
    }

    /// `{"prompt_tokens":…,"completion_tokens":…}`; nil when absent, null or not whole numbers.
    static func usage(_ value: JSONObjectReader.Value?) -> TokenUsage? {
        guard let object = value?.object, let prompt = object["prompt_tokens"]?.number,
            let completion = object["completion_tokens"]?.number, prompt >= 0, completion >= 0,
            prompt < 1e12, completion < 1e12
        else { return nil }
        return TokenUsage(promptTokens: Int(prompt), completionTokens: Int(completion))
    }

    /// One streamed event's meaning.
    public struct Delta: Sendable, Hashable {
        public var content: String?
        public var model: String?
        /// The answer is complete (`finish_reason` set).
        public var finished: Bool
        /// The stream reported an error.
        public var error: String?
        /// The tokens the answer cost (the last chunk, with `stream_options.include_usage`).
        public var usage: TokenUsage?
    }

    /// Reads one `data:` event of a stream; `nil` when it is not JSON.
    public static func delta(_ data: String) -> Delta? {
        var data = data
        let root = data.withUTF8 { bytes in
            try? JSONObjectReader.value(of: UnsafeRawBufferPointer(bytes)).object
        }
        guard let root else { return nil }
        if let error = errorMessage(root["error"]) {
            return Delta(content: nil, model: nil, finished: true, error: error, usage: nil)
        }
        let choice = root["choices"]?.array?.first?.object
        let content = choice?["delta"]?.object?["content"]?.string ?? choice?["text"]?.string
        let finished = choice?["finish_reason"].map { $0 != .null } ?? false
        return Delta(content: content, model: root["model"]?.string, finished: finished, error: nil, usage: usage(root["usage"]))
    }

    /// The server's words in an error body: `{"error":{"message":…}}`, `{"error":"…"}`, `{"message":…}`, or the
    /// text itself (cut short).
    public static func errorText(_ bytes: UnsafeRawBufferPointer) -> String {
        if let root = try? JSONObjectReader.value(of: bytes).object,
            let message = errorMessage(root["error"]) ?? root["message"]?.string ?? root["detail"]?.string
        {
            return message
        }
        let text = String(decoding: bytes.prefix(200), as: UTF8.self).trimmed
        return bytes.count > 200 ? text + "…" : text
    }

    private static func errorMessage(_ value: JSONObjectReader.Value?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .object(let object)?: return object["message"]?.string ?? object["type"]?.string ?? "error"
        default: return nil
        }
    }

    /// The model ids `GET /models` lists: `{"data":[{"id":…}]}` (OpenAI, vLLM, llama.cpp) or `{"models":[{"name":…}]}`
    /// (Ollama's native form).
    public static func models(_ bytes: UnsafeRawBufferPointer) -> [String]? {
        guard let root = try? JSONObjectReader.value(of: bytes).object else { return nil }
        if let data = root["data"]?.array {
            return data.compactMap { $0.object?["id"]?.string }
        }
        if let models = root["models"]?.array {
            return models.compactMap { $0.object?["name"]?.string ?? $0.object?["model"]?.string }
        }
        return nil
    }
}
