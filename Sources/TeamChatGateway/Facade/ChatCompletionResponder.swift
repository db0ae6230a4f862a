import TeamChatJSON
import TeamChatJudge
import TeamChatModel
import TeamChatOpenAICodec

/// One `POST /v1/chat/completions` answer, made as its round goes (DESIGN §7, the facade): the members' progress
/// as `delta.reasoning_content` (a chat UI's collapsible thinking), the synthesis as `delta.content`, then
/// `finish_reason`, a usage chunk when asked (`choices: []`), and `[DONE]` — or, not streaming, one
/// `chat.completion` at the end. With no judge the answer is every member's, each under its name; a one-member
/// task is that member's answer as it is.
struct ChatCompletionResponder {
    let id: String
    let created: Int
    let model: String
    let stream: Bool
    let includeUsage: Bool
    let includeReasoning: Bool
    /// A task answered by one member: its answer is the content.
    let task: Bool

    private var answers: [(id: String, content: String)] = []
    /// The tokens reported so far (members and judge); nil while none was.
    private var usage: TokenUsage?
    private var synthesis = ""
    private var judgeWrote = false

    init(id: String, created: Int, request: ChatCompletionRequest) {
        self.id = id
        self.created = created
        self.model = request.model
        self.stream = request.stream
        self.includeUsage = request.includeUsage
        self.includeReasoning = request.includeReasoning && !request.isTask
        self.task = request.isTask
    }

    /// The first bytes of a stream: the assistant's role.
    func start() -> [UInt8] {
        var delta = JSONObjectWriter()
        delta.add("role", "assistant")
        delta.add("content", "")
        return chunk(delta: delta, finish: nil)
    }

    /// What to write now for `output` (streaming), and what to keep for the end.
    mutating func take(_ output: GatewayRoundOutput) -> [UInt8] {
        var progress = ""
        switch output {
        case .events(let batch), .lastEvents(let batch):
            for case .outcome(let outcome) in batch {
                switch outcome.result {
                case .success(let reply):
                    let content = reply.answer?.content ?? ""
                    if let used = reply.answer?.usage { usage = (usage ?? .zero) + used }
                    answers.append((outcome.specialistID, content))
                    progress += "\(outcome.specialistID) answered (\(Self.milliseconds(outcome.elapsed))): \(Self.excerpt(content))\n\n"
                case .failure(let error):
                    progress += "\(outcome.specialistID): \(error.message)\n\n"
                }
            }
        case .synthesis(.chunk(let judge, _, let content), _):
            if !judgeWrote { progress += "\(judge) is writing the team's answer.\n\n" }
            judgeWrote = true
            synthesis += content
            guard stream else { return [] }
            return reasoning(progress) + contentChunk(content)
        case .synthesis(.ranking(let ranking), _):
            progress += "The council's ranking: "
                + ranking.totals.map { "\($0.specialist) \($0.points)" }.joined(separator: ", ") + ".\n\n"
        case .synthesis(.ballot, _), .synthesis(.verdict, _), .end:
            break
        }
        return stream ? reasoning(progress) : []
    }

    /// The last bytes: the content when no judge streamed it, the finish reason, usage and `[DONE]`; or, not
    /// streaming, the whole `chat.completion`.
    mutating func finish(_ verdict: JudgeVerdict?) -> [UInt8] {
        if let used = verdict?.usage { usage = (usage ?? .zero) + used }
        let finishReason = verdict?.truncated == true ? "length" : "stop"
        let content = Self.content(answers: answers, verdict: verdict, task: task)
        guard stream else { return document(content: content, finish: finishReason) }
        var bytes: [UInt8] = []
        if !judgeWrote, !content.isEmpty { bytes += contentChunk(content) }
        bytes += chunk(delta: JSONObjectWriter(), finish: finishReason)
        if includeUsage {
            var object = base(object: "chat.completion.chunk")
            object.add("choices", objects: [])
            if let usage { object.add("usage", object: RoundEventCodec.json(usage)) } else { object.add("usage", json: .null) }
            bytes += Self.event(object)
        }
        bytes += Array("data: [DONE]\n\n".utf8)
        return bytes
    }

    /// The assistant's content: the judge's synthesis; else, for a task, its one member's answer; else every
    /// answer under its member's name, in the order they came. (The gateway keys the facade's rounds by it.)
    static func content(answers: [(id: String, content: String)], verdict: JudgeVerdict?, task: Bool) -> String {
        if let verdict, verdict.judge != nil { return verdict.content }
        if task, let only = answers.first { return only.content }
        return answers.map { "**\($0.id)**: \($0.content)" }.joined(separator: "\n\n")
    }

    /// The answers of `outcomes`, as the content is made of them.
    static func answers(_ outcomes: [SpecialistOutcome]) -> [(id: String, content: String)] {
        outcomes.compactMap { outcome in
            guard case .success(let reply) = outcome.result else { return nil }
            return (outcome.specialistID, reply.answer?.content ?? "")
        }
    }

    private func document(content: String, finish: String) -> [UInt8] {
        var object = base(object: "chat.completion")
        var message = JSONObjectWriter()
        message.add("role", "assistant")
        message.add("content", content)
        var choice = JSONObjectWriter()
        choice.add("index", 0)
        choice.add("message", object: message)
        choice.add("finish_reason", finish)
        object.add("choices", objects: [choice])
        if let usage { object.add("usage", object: RoundEventCodec.json(usage)) }
        return object.utf8(terminator: UInt8(ascii: "\n"))
    }

    private func reasoning(_ text: String) -> [UInt8] {
        guard includeReasoning, !text.isEmpty else { return [] }
        var delta = JSONObjectWriter()
        delta.add("reasoning_content", text)
        return chunk(delta: delta, finish: nil)
    }

    private func contentChunk(_ text: String) -> [UInt8] {
        var delta = JSONObjectWriter()
        delta.add("content", text)
        return chunk(delta: delta, finish: nil)
    }

    private func chunk(delta: JSONObjectWriter, finish: String?) -> [UInt8] {
        var object = base(object: "chat.completion.chunk")
        var choice = JSONObjectWriter()
        choice.add("index", 0)
        choice.add("delta", object: delta)
        if let finish { choice.add("finish_reason", finish) } else { choice.add("finish_reason", json: .null) }
        object.add("choices", objects: [choice])
        return Self.event(object)
    }

    private func base(object kind: String) -> JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("id", id)
        object.add("object", kind)
        object.add("created", created)
        object.add("model", model)
        return object
    }

    private static func event(_ object: JSONObjectWriter) -> [UInt8] {
        Array("data: ".utf8) + object.utf8() + Array("\n\n".utf8)
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let ms = RoundEventCodec.milliseconds(duration)
        return ms < 10 ? "\((ms * 100).rounded() / 100) ms" : "\(Int(ms.rounded())) ms"
    }

    private static func excerpt(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 280 ? String(line.prefix(280)) + "…" : line
    }
}
