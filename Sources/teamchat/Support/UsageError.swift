import ArgumentParser
import TeamChatModel


/// Usage errors ArgumentParser words too tersely for a person who made a slip: a mistyped subcommand gets "did you
/// mean", `help nosuch` fails (status 64) instead of printing the general help, and a bad duration says what a
/// duration looks like (or that it must not be negative).
enum UsageError {
    /// The subcommands, for suggestions.
    static var commands: [String] {
        TeamChat.configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// The error for `arguments` that can be told before parsing them, or nil.
    static func beforeParsing(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let known = commands
        if first == "help" {
            guard arguments.count > 1, let asked = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }),
                !known.contains(asked)
            else { return nil }
            return "teamchat: no help for '\(asked)': it is not a command\(suggestion(for: asked, among: known))"
                + "\n(commands: \(known.joined(separator: ", ")))"
        }
        guard !known.contains(first) else { return nil }
        return "teamchat: '\(first)' is not a command\(suggestion(for: first, among: known))"
            + "\nUsage: teamchat <subcommand>  (commands: \(known.joined(separator: ", ")); see 'teamchat --help')"
    }

    /// ArgumentParser's message for `error`, reworded where it would not help; nil to let ArgumentParser report it.
    static func rewritten(_ error: any Error) -> String? {
        let full = TeamChat.fullMessage(for: error)
        // "The value '-1s' is invalid for '--timeout <duration>'" says neither why nor what would do.
        guard let first = full.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init),
            first.contains("<duration>'"), let start = first.firstRange(of: "The value '"),
            let end = first[start.upperBound...].firstRange(of: "' is invalid for ")
        else { return nil }
        let value = String(first[start.upperBound..<end.lowerBound])
        let rest = full.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        return ([first + ": " + DurationSyntax.problem(with: value)] + rest).joined(separator: "\n")
    }

    /// ` (did you mean 'send'?)` when one command is close to `typed`, else nothing.
    static func suggestion(for typed: String, among known: [String]) -> String {
        let scored = known.map { (name: $0, distance: editDistance(typed.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }),
            best.distance <= max(1, best.name.count / 3) || best.name.hasPrefix(typed.lowercased())
        else { return "" }
        return "; did you mean '\(best.name)'?"
    }

    /// Edit distance counting insertions, deletions, substitutions and swaps of two neighbours (`sedn`) as 1 each
    /// (optimal string alignment).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
