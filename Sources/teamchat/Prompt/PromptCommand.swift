import TeamChatCore

/// What one line typed at the interactive prompt asks for.
enum PromptCommand: Equatable {
    /// A round; `to` lists the specialists named with `@a,b` for this line only.
    case message(String, to: [String]?)
    /// `/to a,b` (empty: everyone again) and `/exclude a,b` (empty: nobody).
    case to([String])
    case exclude([String])
    case timeout(Duration)
    case stats
    case warm
    case json(Bool)
    case help
    case quit
    /// Nothing to do (a blank line).
    case empty
    /// A line that cannot be understood, with what to tell the user.
    case invalid(String)

    /// The commands, for `/help` and Tab completion.
    static let names = ["/to", "/exclude", "/timeout", "/stats", "/warm", "/json", "/help", "/quit"]

    static let helpText = """
        a line is a message to the team; @apollo-ai,athena-ai message addresses some for that line
        /to ID[,ID…]       address only these from now on (/to alone: everyone again)
        /exclude ID[,ID…]  leave these out from now on (/exclude alone: nobody)
        /timeout 1.5s      per-specialist reply timeout
        /stats             health and latency of each specialist
        /warm              ping everyone now
        /json on|off       print NDJSON events instead of text
        /help, /quit       this help; leave (Ctrl-D too). Ctrl-C cancels the round in flight.
        """

    static func parse(_ line: String) -> PromptCommand {
        let text = line.trimmed
        if text.isEmpty { return .empty }
        if text.hasPrefix("@") {
            let (head, rest) = split(text)
            let names = SpecialistSelector.names([String(head.dropFirst())])
            if names.isEmpty { return .invalid("name a specialist after @, e.g. @apollo-ai hello") }
            if rest.isEmpty { return .invalid("a message is missing after \(head)") }
            return .message(rest, to: names)
        }
        guard text.hasPrefix("/") else { return .message(text, to: nil) }
        let (command, argument) = split(text)
        switch command {
        case "/to": return .to(SpecialistSelector.names([argument]))
        case "/exclude": return .exclude(SpecialistSelector.names([argument]))
        case "/timeout":
            guard let duration = Duration(parsing: argument), duration > .zero else {
                return .invalid("/timeout needs a positive duration, e.g. /timeout 1.5s")
            }
            return .timeout(duration)
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
            return ids.filter { $0.lowercased().hasPrefix(partial.lowercased()) }.map { prefix + $0 }
        }
        if isFirstWord, word.hasPrefix("/") {
            return PromptCommand.names.filter { $0.hasPrefix(word) }
        }
        return []
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
