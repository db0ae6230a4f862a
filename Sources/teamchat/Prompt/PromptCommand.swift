import TeamChatJSON
import TeamChatModel
import TeamChatRoster

/// What one line typed at the interactive prompt asks for.
enum PromptCommand: Equatable {
    /// A round; `to` lists the specialists named with `@a,b` for this line only.
    case message(String, to: [String]?)
    /// `/to a,b` (empty: everyone again) and `/exclude a,b` (empty: nobody).
    case to([String])
    case exclude([String])
    case timeout(Duration)
    /// `/quorum K` (nil: everyone again).
    case quorum(Int?)
    case stats
    case warm
    /// `/new`: a new conversation; `/history`: this one so far.
    case newConversation
    case history
    /// `/share a,b`: these answers of the last round go to everyone in the next; `/roundtable on|off`.
    case share([String])
    case roundtable(Bool)
    /// `/judge a,b`: a judge (and its fallbacks) brings each round's answers together; `/judge off` stops it.
    case judge([String])
    /// `/council on|off`: members rank one another's answers before the judge writes.
    case council(Bool)
    case json(Bool)
    case help
    case quit
    /// Nothing to do (a blank line).
    case empty
    /// A line that cannot be understood, with what to tell the user.
    case invalid(String)

    /// The commands, for `/help` and Tab completion.
    static let names = [
        "/to", "/exclude", "/timeout", "/quorum", "/new", "/history", "/share", "/roundtable", "/judge", "/council",
        "/stats", "/warm", "/json", "/help", "/quit",
    ]

    static let helpText = """
        a line is a message to the team; @apollo @athena message (or @apollo,athena) addresses some, that line only
        a line ending in \\ goes on on the next; \"\"\" alone starts and ends a message of many lines; a paste is one message
        /to ID[,ID…]       address only these from now on (/to alone: everyone again)
        /exclude ID[,ID…]  leave these out from now on (/exclude alone: nobody)
        /timeout 1.5s      per-specialist reply timeout (2, 1.5s, 250ms, 1m30s)
        /quorum K          end each round once K have answered (/quorum alone: wait for all)
        /new               a new conversation (each specialist is sent its own earlier turns of this one)
        /history           this conversation so far
        /share ID[,ID…]    give everyone these answers of the last round with the next message (/share judge: the synthesis)
        /judge ID[,ID…]    after each round this specialist writes one answer from the team's; more ids are fallbacks
                           (/judge off: every answer, no synthesis)
        /council on|off    before the judge writes, members rank one another's answers (never their own)
        /roundtable on|off every round gives each specialist the others' previous answers
        /stats             health and latency of each specialist
        /warm              ping everyone now
        /json on|off       print NDJSON events instead of text
        /help, /quit       this help; leave (Ctrl-D too)
        Ctrl-C cancels the round in flight, or drops the line being typed.
        """

    static func parse(_ line: String) -> PromptCommand {
        let text = line.trimmed
        if text.isEmpty { return .empty }
        if text.hasPrefix("@") {
            // `@apollo @athena question` and `@apollo,athena question` both address both.
            var names: [String] = []
            var rest = text
            var heads: [String] = []
            while rest.hasPrefix("@") {
                let (head, after) = split(rest)
                heads.append(head)
                let named = SpecialistSelector.names([head.split(separator: ",").map { String($0.drop(while: { $0 == "@" })) }.joined(separator: ",")])
                if named.isEmpty { return .invalid("name a specialist after @, e.g. @apollo-ai hello") }
                names += named.filter { !names.contains($0) }
                rest = after
            }
            if rest.isEmpty { return .invalid("a message is missing after \(heads.joined(separator: " "))") }
            return .message(rest, to: names)
        }
        guard text.hasPrefix("/") else { return .message(text, to: nil) }
        let (command, argument) = split(text)
        switch command {
        case "/to": return .to(SpecialistSelector.names([argument]))
        case "/exclude": return .exclude(SpecialistSelector.names([argument]))
        case "/timeout":
            guard let duration = Duration(parsing: argument) else {
                return .invalid("/timeout: \(DurationSyntax.problem(with: argument))")
            }
            guard duration > .zero else { return .invalid("/timeout must be more than zero") }
            return .timeout(duration)
        case "/quorum":
            if argument.isEmpty { return .quorum(nil) }
            guard let quorum = Int(argument), quorum >= 1 else {
                return .invalid("/quorum takes a number of specialists, at least 1 (/quorum alone: wait for all)")
            }
            return .quorum(quorum)
        case "/new": return .newConversation
        case "/history": return .history
        case "/share":
            let names = SpecialistSelector.names([argument])
            return names.isEmpty ? .invalid("/share takes the ids whose answers to share, e.g. /share apollo-ai") : .share(names)
        case "/roundtable":
            switch argument.lowercased() {
            case "on": return .roundtable(true)
            case "off": return .roundtable(false)
            default: return .invalid("/roundtable takes on or off")
            }
        case "/judge":
            if argument.lowercased() == "off" { return .judge([]) }
            let names = SpecialistSelector.names([argument])
            return names.isEmpty ? .invalid("/judge takes the judge's id (then fallbacks), or off") : .judge(names)
        case "/council":
            switch argument.lowercased() {
            case "on": return .council(true)
            case "off": return .council(false)
            default: return .invalid("/council takes on or off")
            }
        case "/stats": return .stats
        case "/warm": return .warm
        case "/json":
            switch argument.lowercased() {
            case "on": return .json(true)
            case "off": return .json(false)
            default: return .invalid("/json takes on or off")
            }
        case "/help", "/?": return .help
        case "/quit", "/exit", "/q": return .quit
        default: return .invalid("unknown command \(command) (try /help)")
        }
    }

    /// The first word and the rest, trimmed.
    private static func split(_ text: String) -> (String, String) {
        guard let space = text.firstIndex(where: \.isWhitespace) else { return (text, "") }
        return (String(text[..<space]), String(text[space...]).trimmed)
    }
}

/// Tab completion at the prompt: `@` ids (also after commas), `/commands` at the start of a line, and ids after
/// `/to` and `/exclude`.
enum PromptCompletion {
    /// Candidates for the word being typed, each the whole word as it would read once completed.
    static func candidates(line: String, ids: [String]) -> [String] {
        let word = line.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let isFirstWord = !line.contains(" ")
        if word.hasPrefix("@") || (!isFirstWord && (line.hasPrefix("/to ") || line.hasPrefix("/exclude "))) {
            let body = word.hasPrefix("@") ? String(word.dropFirst()) : word
            let done = body.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
            let partial = body.split(separator: ",", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            let prefix = (word.hasPrefix("@") ? "@" : "") + (done.isEmpty ? "" : done + ",")
            let earlier = Set(done.split(separator: ",").map { $0.lowercased() })
            var candidates = ids.filter { !earlier.contains($0.lowercased()) && $0.lowercased().hasPrefix(partial.lowercased()) }
                .map { prefix + $0 }
            // A complete id: the list goes on, with the ids not in it yet.
            if let complete = ids.first(where: { $0.lowercased() == partial.lowercased() }) {
                let listed = Set(done.split(separator: ",").map { $0.lowercased() } + [complete.lowercased()])
                let more = ids.filter { !listed.contains($0.lowercased()) }.map { prefix + complete + "," + $0 }
                if !more.isEmpty { candidates = candidates.filter { $0 != prefix + complete } + more }
            }
            return candidates
        }
        if isFirstWord, word.hasPrefix("/") {
            return PromptCommand.names.filter { $0.hasPrefix(word) }
        }
        return []
    }

    /// Whether Tab at the end of `line` continues a list of ids just completed (`@hermes-ai ` or `/to hermes-ai `,
    /// one space after a known id, and ids left to add): the space then becomes a comma.
    static func continuesList(line: String, ids: [String]) -> Bool {
        guard line.hasSuffix(" "), !line.hasSuffix("  ") else { return false }
        let words = line.dropLast().split(separator: " ", omittingEmptySubsequences: false)
        guard let last = words.last else { return false }
        let inCommand = words.count == 2 && (words[0] == "/to" || words[0] == "/exclude")
        guard last.hasPrefix("@") || inCommand else { return false }
        let listed = (last.hasPrefix("@") ? last.dropFirst() : last).split(separator: ",").map { $0.lowercased() }
        let known = Set(ids.map { $0.lowercased() })
        guard let final = listed.last, known.contains(final) else { return false }
        return known.subtracting(listed).isEmpty == false
    }

    /// The longest prefix all candidates share.
    static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
