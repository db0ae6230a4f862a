extension Duration {
    /// Parses the durations teamchat's flags accept: a number of seconds (`2`, `1.5`), or numbers with units,
    /// several in a row: `1.5s`, `250ms`, `250us`, `1m30s`, `1h`, `2h15m`, `30d`. Units: `d`, `h`, `m`, `s`, `ms`,
    /// `us` (`µs`), `ns`. Returns `nil` for anything else, negative values included (``DurationSyntax/problem(with:)`` says why).
    public init?(parsing text: String) {
        let text = text.lowercased()
        var rest = Substring(text)
        var nanoseconds = 0.0
        var components = 0
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix(while: { $0.isLetter })
            rest = rest.dropFirst(unit.count)
            components += 1
            let scale: Double
            switch unit {
            case "":
                // A bare number is seconds, and only on its own: `1m30` is more likely a slip than 1m 30s.
                guard components == 1, rest.isEmpty else { return nil }
                scale = 1e9
            case "d": scale = 86_400e9
            case "h": scale = 3_600e9
            case "m": scale = 60e9
            case "s": scale = 1e9
            case "ms": scale = 1e6
            case "us", "µs": scale = 1e3
            case "ns": scale = 1
            default: return nil
            }
            nanoseconds += value * scale
        }
        guard components > 0 else { return nil }
        let rounded = nanoseconds.rounded()
        guard rounded < Double(Int64.max) else { return nil }
        self = .nanoseconds(Int64(rounded))
    }
}

/// What is wrong with a duration someone typed, in words that say what would be right.
public enum DurationSyntax {
    /// The forms a duration takes, for help and errors.
    public static let forms = "e.g. 2 (seconds), 1.5s, 250ms, 1m30s, 1h"

    /// Why `text` is not a duration.
    public static func problem(with text: String) -> String {
        let trimmed = text.trimmingPrefix(while: \.isWhitespace)
        if trimmed.hasPrefix("-") { return "must not be negative" }
        if trimmed.isEmpty { return "a duration is missing (\(forms))" }
        return "'\(text)' is not a duration (\(forms))"
    }
}
