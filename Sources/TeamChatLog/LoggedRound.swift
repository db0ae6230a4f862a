/// One round as the log keeps it: what was asked, of which team, and what each specialist answered or why it did
/// not. Never a request's headers: no API key or token reaches the log (answers and error words were redacted
/// before they got here).
public struct LoggedRound: Sendable, Hashable {
    /// What one specialist did.
    public struct Answer: Sendable, Hashable {
        /// A member's answer, or the judge's synthesis of them (DESIGN §10).
        public enum Role: String, Sendable, Hashable {
            case member
            case judge
        }

        public var specialist: String
        public var role: Role = .member
        public var success: Bool
        public var content: String?
        public var errorKind: String?
        public var error: String?
        public var latencyMS: Double?
        public var firstByteMS: Double?
        public var model: String?
        /// Tokens, when the specialist's server reported them.
        public var promptTokens: Int?
        public var completionTokens: Int?

        public init(
            specialist: String, success: Bool, content: String? = nil, errorKind: String? = nil, error: String? = nil,
            latencyMS: Double? = nil, firstByteMS: Double? = nil, model: String? = nil, promptTokens: Int? = nil,
            completionTokens: Int? = nil
        ) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.specialist = specialist
            self.success = success
            self.content = content
            self.errorKind = errorKind
            self.error = error
            self.latencyMS = latencyMS
            self.firstByteMS = firstByteMS
            self.model = model
        }
    }

    /// A random id (32 hex digits); commands accept any unique prefix of it.
    public var id: String
    /// The conversation it belongs to (DESIGN §9): each round of one sees the earlier ones.
    public var conversation: String?
    /// Seconds since 1970.
    public var startedAt: Double
    /// The team's source (`file:/…`, `tekton`, `bus:…`).
    public var source: String
    /// `direct`, `gateway` or `bus`: which process ran it and how.
    public var via: String
    public var message: String
    public var addressed: Int
    public var replied: Int
    public var elapsedMS: Double
    /// Ended by Ctrl-C or a signal before its summary.
    public var interrupted: Bool
    public var answers: [Answer]
    /// For a round asked through the OpenAI-compatible facade: the key of the chat as its client holds it after
    /// this round's answer (DESIGN §7), by which the client's next request finds it.
    public var transcript: String?

    public init(
        id: String = LoggedRound.newID(), conversation: String? = nil, startedAt: Double, source: String, via: String,
        message: String, addressed: Int, replied: Int, elapsedMS: Double, interrupted: Bool = false, answers: [Answer]
    ) {
        self.id = id
        self.conversation = conversation
        self.startedAt = startedAt
        self.source = source
        self.via = via
        self.message = message
        self.addressed = addressed
        self.replied = replied
        self.elapsedMS = elapsedMS
        self.interrupted = interrupted
        self.answers = answers
    }

    /// A new random id.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
