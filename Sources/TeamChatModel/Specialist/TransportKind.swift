/// Which protocol a specialist speaks (DESIGN §1): the key under which a session finds the transport that reaches it.
public struct TransportKind: Hashable, Sendable, CustomStringConvertible {
    /// The name used in roster files, the cache and output: `tekton`, `openai`, `bus`.
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }

    /// Newline-delimited JSON over TCP (the Tekton chorus).
    public static let tekton = TransportKind("tekton")
    /// OpenAI-compatible chat completions over HTTP(S).
    public static let openAI = TransportKind("openai")
    /// Specialists another machine's `teamchat bridge` publishes on a Redis bus (DESIGN §8).
    public static let bus = TransportKind("bus")
}
