/// Ways a simulated specialist misbehaves when asked to chat (pings, info and health stay correct, so discovery
/// still finds it, the way a stuck model behind a live socket does), except `mute`, `greet`, `slam` and
/// `idle-close`, which misbehave on every connection; some are HTTP's own (``supported(by:)``).
public enum Misbehaviour: String, CaseIterable, Sendable, Codable {
    /// Never answers.
    case hang
    /// Nothing listens on its port.
    case refuse
    /// Closes the connection without a reply.
    case close
    /// Resets the connection (RST).
    case reset
    /// Answers with a line that is not JSON.
    case garbage
    /// Writes half a reply line, then hangs.
    case halfLine = "half-line"
    /// Answers with a line larger than any sane reply limit.
    case huge
    /// Writes its reply one byte at a time.
    case oneByte = "one-byte"
    /// Answers its first chat late (after the client gave up), later ones on time.
    case late
    /// Answers every chat twice.
    case twice
    /// Answers with invalid UTF-8 inside the JSON string.
    case invalidUTF8 = "invalid-utf8"
    /// Answers with an `error` reply.
    case error
    /// Streams its answer with a `request_id` of its own, not the one it was sent.
    case foreignID = "foreign-id"
    /// Streams chunks forever and never ends its answer.
    case endless
    /// Says something the moment a connection opens, before anyone asked.
    case greet
    /// Resets every connection the moment it is accepted.
    case slam
    /// Answers nothing at all, not even pings.
    case mute
    /// Tekton: answers `ping` with an `error` (it knows no pings); chats correctly.
    case pingError = "ping-error"
    /// Tekton: never answers `ping`; chats correctly.
    case pingIgnored = "ping-ignored"
    /// Tekton: answers every `ping` twice; chats correctly.
    case pingTwice = "ping-twice"
    /// OpenAI: answers HTTP 500 with an error body.
    case http500 = "http-500"
    /// OpenAI: answers HTTP 429 with `Retry-After`.
    case http429 = "http-429"
    /// OpenAI: streams without the closing `data: [DONE]`.
    case noDone = "no-done"
    /// OpenAI: streams `null` roles and contents among its deltas.
    case nullDeltas = "null-deltas"
    /// OpenAI: streams one chunk, then an error event.
    case errorMidStream = "error-mid-stream"
    /// OpenAI: closes keep-alive connections that idle past a delay, unannounced (as uvicorn does at 5 s).
    case idleClose = "idle-close"
    /// OpenAI: streams one chunk, then nothing more.
    case stall

    /// The misbehaviours a protocol can act out.
    public static func supported(by wire: SimulatedProtocol) -> [Misbehaviour] {
        switch wire {
        case .tekton: return allCases.filter { !$0.isHTTPOnly }
        case .openai: return allCases.filter { $0 != .foreignID && !$0.isTektonOnly }
        }
    }

    /// Whether only an HTTP server can act it out. (A switch, not a set: `fleet`'s help text asks for this, and
    /// hashing a set there is paid by every start of the binary that builds its command tree.)
    private var isHTTPOnly: Bool {
        switch self {
        case .http500, .http429, .noDone, .nullDeltas, .errorMidStream, .idleClose, .stall: true
        default: false
        }
    }

    /// Whether only a Tekton socket can act it out (HTTP has no pings).
    private var isTektonOnly: Bool {
        switch self {
        case .pingError, .pingIgnored, .pingTwice: true
        default: false
        }
    }
}
