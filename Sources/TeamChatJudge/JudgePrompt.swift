/// The text a judge or a ranker is sent: a template with placeholders (DESIGN §10), replaceable with
/// `--judge-prompt FILE`.
///
/// Placeholders: `{{question}}` (what the team was asked), `{{responses}}` (the answers as `Response A:` blocks, each
/// followed by its text and a blank line), `{{missing}}` (a sentence saying how many were asked and did not answer,
/// or nothing) and `{{ranking}}` (the council's order, or nothing). `{{responses}}` is required; any other `{{…}}` is
/// an error, so that a typo is not sent to a model as it is.
public struct JudgePrompt: Sendable, Hashable {
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static let placeholders: Set<String> = ["question", "responses", "missing", "ranking"]

    public let template: String

    /// Checks `template`'s placeholders.
    public init(template: String) throws(Problem) {
        var rest = Substring(template)
        var found: Set<String> = []
        while let open = rest.firstRange(of: "{{") {
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw Problem(message: "a '{{' is not closed with '}}'")
            }
            let name = String(rest[open.upperBound..<close.lowerBound])
            guard Self.placeholders.contains(name) else {
                throw Problem(
                    message: "unknown placeholder {{\(name)}} (known: "
                        + Self.placeholders.sorted().map { "{{\($0)}}" }.joined(separator: ", ") + ")")
            }
            found.insert(name)
            rest = rest[close.upperBound...]
        }
        guard found.contains("responses") else { throw Problem(message: "the template has no {{responses}}") }
        self.template = template
    }

    private init(checked template: String) {
        self.template = template
    }

    /// The judge's default: one best answer, not a report on the answers.
    public static let judge = JudgePrompt(checked: """
        You are the judge for a team of specialists who were each asked the same question. Their answers follow as \
        Response A, Response B and so on, in no particular order and without their authors' names. Write the single \
        best answer to the question: keep what is correct and useful, correct or leave out what is wrong, and say \
        briefly where the answers disagree when it matters. Answer the question itself; do not mention the \
        responses or their letters.

        Question:
        {{question}}

        {{responses}}{{missing}}{{ranking}}
        """)

    /// A council member's ranking request: the others' answers, never its own.
    public static let ranking = JudgePrompt(checked: """
        You are reviewing answers that other specialists gave to a question. They follow as Response A, Response B \
        and so on, without their authors' names. Say in a sentence or two what is right or wrong in each, then rank \
        them from best to worst.

        Question:
        {{question}}

        {{responses}}End your reply with the line "FINAL RANKING:" followed by one line per response, best first, \
        each in the form "1. Response <letter>".
        """)

    /// The characters a rendered prompt may hold before long answers are cut (a Tekton chat message is at most
    /// 64 KiB encoded; JSON escapes may double some characters).
    public static let maximumCharacters = 30_000

    /// The prompt for `question` and `responses`; `missing` specialists were asked and did not answer; `ranking` is
    /// the council's order of labels, best first. Answers are cut (the longest first) so that the whole fits in
    /// ``maximumCharacters``.
    public func render(
        question: String, responses: [AnonymizedAnswers.Entry], missing: Int = 0, ranking: [String]? = nil
    ) -> String {
        let missingText = missing == 0 ? "" : "(\(missing) more specialist\(missing == 1 ? " was" : "s were") asked and did not answer.)\n\n"
        let rankingText = ranking.map { order in
            "The team ranked the responses, best first: " + order.map { "Response \($0)" }.joined(separator: ", ") + ".\n\n"
        } ?? ""
        func fill(_ limit: Int?) -> String {
            let blocks = responses.map { entry -> String in
                var text = entry.content
                if let limit, text.count > limit { text = String(text.prefix(limit)) + " […]" }
                return "Response \(entry.label):\n\(text)\n\n"
            }.joined()
            var text = template
                .replacing("{{question}}", with: question)
                .replacing("{{responses}}", with: blocks)
                .replacing("{{missing}}", with: missingText)
                .replacing("{{ranking}}", with: rankingText)
            while text.last?.isWhitespace == true { text.removeLast() }
            return text
        }
        let whole = fill(nil)
        guard whole.count > Self.maximumCharacters, !responses.isEmpty else { return whole }
        let fixed = fill(0).count
        return fill(max(200, (Self.maximumCharacters - fixed) / responses.count))
    }
}
