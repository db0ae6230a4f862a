import TeamChatModel
/// What `-v` shows of each exchange, as `curl -v` does (DESIGN §3): `>` for what was sent, `<` for what came back —
/// an HTTP request's and response's heads, a Tekton request's line and the start of its reply — each line prefixed
/// with the connection's endpoint. Never a secret: an `Authorization` value is written as `[redacted]` here, before
/// any line leaves (``header(_:_:)``), and bodies beyond Tekton's one line are never shown.
public struct ExchangeTrace: Sendable {
    private let sink: @Sendable (String) -> Void

    /// `sink` gets each line, from whichever event loop made it.
    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// What `endpoint` was sent.
    public func sent(_ endpoint: String, _ line: String) {
        sink("> " + endpoint + " " + Self.shortened(line))
    }

    /// What `endpoint` answered.
    public func received(_ endpoint: String, _ line: String) {
        sink("< " + endpoint + " " + Self.shortened(line))
    }

    /// `name: value`, with the values of the headers that carry credentials replaced.
    public static func header(_ name: String, _ value: String) -> String {
        let secret = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"]
        return name + ": " + (secret.contains(name.lowercased()) ? "[redacted]" : value)
    }

    /// A line cut to 300 characters, escaped for a terminal (``TerminalSanitizer``).
    static func shortened(_ line: String) -> String {
        TerminalSanitizer.sanitizeLine(line.count > 300 ? String(line.prefix(300)) + "…" : line)
    }
}
