/// Where a team comes from (DESIGN §4), first match wins: `--roster FILE` › `--scan HOST:LOW-HIGH` ›
/// `--openai URL` › `TEAMCHAT_ROSTER` / `TEAMCHAT_SCAN` › the source used last › the Tekton preset.
public enum RosterSource: Sendable, Hashable, CustomStringConvertible {
    /// A roster file (named by absolute path).
    case file(String)
    /// Every port of a range that answers.
    case scan(ScanRange)
    /// Every model an OpenAI-compatible API lists (`GET {url}/models`) whose name matches a glob.
    case openAI(OpenAISource)
    /// The Tekton chorus on its well-known ports.
    case tekton
    /// Whoever the bridges on a Redis bus publish (`--bus redis://HOST:PORT/TEAM`, named without its password).
    case bus(String)

    /// Reads a name written by ``description`` (the cache remembers sources by it).
    public init?(name: String) {
        if name == "tekton" {
            self = .tekton
        } else if name.hasPrefix("file:") {
            let path = String(name.dropFirst(5))
            guard path.hasPrefix("/") else { return nil }
            self = .file(path)
        } else if name.hasPrefix("scan:"), let range = ScanRange(parsing: String(name.dropFirst(5))) {
            self = .scan(range)
        } else if name.hasPrefix("openai:"), let source = OpenAISource(name: String(name.dropFirst(7))) {
            self = .openAI(source)
        } else if name.hasPrefix("bus:"), name.count > 4 {
            self = .bus(String(name.dropFirst(4)))
        } else {
            return nil
        }
    }

    /// A stable name, stored with cached rosters so that one source's roster is never used for another.
    public var description: String {
        switch self {
        case .file(let path): "file:\(path)"
        case .scan(let range): "scan:\(range)"
        case .openAI(let source): "openai:\(source)"
        case .tekton: "tekton"
        case .bus(let url): "bus:\(url)"
        }
    }

    /// Whether the members are declared (a file, the preset) rather than found by probing (a scan).
    public var hasDeclaredMembers: Bool {
        switch self {
        case .file, .tekton: true
        case .scan, .openAI, .bus: false
        }
    }
}
