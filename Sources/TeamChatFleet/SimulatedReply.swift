import TeamChatJSON

/// What a simulated specialist answers: deterministic, so that tests of a judge or a council can check every word
/// and every ranking by hand without a model.
public enum SimulatedReply: Sendable, Hashable {
    /// `<id>: <the message>` (the default).
    case echo
    /// The same text to every message that is not a ranking request.
    case fixed(String)
}

/// How a simulated specialist answers a council's ranking request (a message that lists `Response X:` blocks and
/// asks for a `FINAL RANKING:`).
public enum SimulatedRanking: Sendable, Hashable {
    /// Like any other message (``SimulatedReply``): an echo holds no ranking after its last `FINAL RANKING:`.
    case asReply
    /// The responses shown, best first in the order of their text (ascending), under `FINAL RANKING:`.
    case byContent
    /// As ``byContent``, and first a label it was not shown (as a member guessing at its own answer would).
    case withUnshownLabel
    /// Words that rank nothing.
    case unparseable
}

extension SimulatedSpecialistConfiguration {
    /// The answer to `message`.
    func content(for message: String) -> String {
        if ranking != .asReply, let shown = Self.rankingRequest(message) {
            switch ranking {
            case .asReply, .byContent:
                return "Having read them all:\n\nFINAL RANKING:\n" + Self.numbered(shown.sorted { $0.text < $1.text }.map(\.label))
            case .withUnshownLabel:
                let labels = Set(shown.map(\.label))
                let unshown = (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { String(UnicodeScalar($0)) }
                    .first { !labels.contains($0) } ?? "Z"
                return "Mine is best.\n\nFINAL RANKING:\n"
                    + Self.numbered([unshown] + shown.sorted { $0.text < $1.text }.map(\.label))
            case .unparseable:
                return "They are all good in their own way; I would not put one above another."
            }
        }
        switch reply {
        case .echo: return "\(id): \(message)"
        case .fixed(let text): return text
        }
    }

    private static func numbered(_ labels: [String]) -> String {
        labels.enumerated().map { "\($0.offset + 1). Response \($0.element)" }.joined(separator: "\n")
    }

    /// The `Response X:` blocks of a ranking request, in order; nil for any other message.
    static func rankingRequest(_ message: String) -> [(label: String, text: String)]? {
        guard message.contains("FINAL RANKING:") else { return nil }
        var blocks: [(label: String, text: String)] = []
        var lines: [Substring] = []
        var label: String?
        func close() {
            if let label { blocks.append((label, lines.joined(separator: "\n").trimmed)) }
            lines = []
        }
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Response "), line.hasSuffix(":"), line.count <= 16 {
                close()
                label = String(line.dropFirst("Response ".count).dropLast())
            } else if line.hasPrefix("End your reply") {
                close()
                label = nil
            } else {
                lines.append(line)
            }
        }
        close()
        return blocks.isEmpty ? nil : blocks
    }
}
