import TeamChatJSON
import TeamChatModel
import TeamChatOpenAICodec
import TeamChatTektonWire

/// `send --dry-run`: each member's request as its transport would write it — the Tekton line, the OpenAI-compatible
/// body — with its own thread, overrides and all, and nothing sent (DESIGN §10).
enum DryRun {
    static func print(_ chat: ChatRequest, to team: [Specialist], conversation: Conversation?, json: Bool) {
        var chat = chat
        if let conversation { chat.threads = conversation.threads(for: team) }
        for specialist in team {
            let (transport, body) = request(chat, for: specialist)
            if json {
                var object = JSONObjectWriter(type: "request")
                object.add("specialist_id", specialist.id)
                object.add("transport", transport)
                object.add("address", specialist.address.description)
                if let value = try? body.withUnsafeBytes({ try JSONObjectReader.value(of: $0) }) {
                    object.add("body", json: value)
                }
                object.write()
            } else {
                Console.out(TerminalSanitizer.sanitizeLine("\(specialist.id) · \(transport) \(specialist.address)"))
                Console.out(TerminalSanitizer.sanitize(String(decoding: body, as: UTF8.self)))
            }
        }
    }

    /// The transport's name and the request body it would send `specialist`.
    static func request(_ chat: ChatRequest, for specialist: Specialist) -> (String, [UInt8]) {
        let history = chat.thread(for: specialist)
        switch specialist.address {
        case .openAI(let endpoint):
            return ("openai", ChatCompletionCodec.body(chat, for: endpoint, history: history))
        case .tekton, .bus:
            var own = chat
            own.temperature = chat.temperature ?? specialist.temperature
            own.maxTokens = chat.maxTokens ?? specialist.maxTokens
            var line = (try? WireRequest.chat(own).encodedLine(history: history)).map { Array($0.readableBytesView) } ?? []
            if line.last == UInt8(ascii: "\n") { line.removeLast() }
            if case .bus = specialist.address { return ("bus", line) }
            return ("tekton", line)
        }
    }
}
