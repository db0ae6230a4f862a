/// Reads a council member's ranking leniently (DESIGN §10): the labels named after its last `FINAL RANKING`
/// (any case; the whole reply when it has none) as `Response B`, or as numbered lines `1. B`, best first. Labels it
/// was not shown (its own answer's, guessed; one that does not exist) are left out, and each counts once. A reply
/// that ranks none of the labels shown is an abstention.
public enum RankingParser {
    /// The labels ranked, best first; nil when none of `shown` is ranked.
    public static func parse(_ text: String, shown: [String]) -> [String]? {
        let shownSet = Set(shown)
        let region = Self.afterLastHeader(text)
        var order: [String] = []
        func take(_ label: String) {
            if shownSet.contains(label), !order.contains(label) { order.append(label) }
        }
        for label in Self.responseLabels(in: region) { take(label) }
        if order.isEmpty {
            for line in region.split(whereSeparator: \.isNewline) {
                if let label = Self.numberedLabel(line) { take(label) }
            }
        }
        return order.isEmpty ? nil : order
    }

    /// What follows the last `FINAL RANKING` in the text, or all of it.
    static func afterLastHeader(_ text: String) -> Substring {
        let upper = Array(text.uppercased().unicodeScalars)
        let header = Array("FINAL RANKING".unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        // Upper-casing keeps ASCII positions; a reply whose upper case changes its length is read whole.
        guard upper.count == scalars.count, upper.count >= header.count else { return Substring(text) }
        var start = upper.count - header.count
        while start >= 0 {
            if upper[start..<start + header.count].elementsEqual(header) {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[(start + header.count)...])
                return Substring(String(view))
            }
            start -= 1
        }
        return Substring(text)
    }

    /// The `X` of every `Response X` (any case of "response"; X a label: letters, then digits).
    static func responseLabels(in text: Substring) -> [String] {
        var labels: [String] = []
        let words = text.split { !($0.isLetter || $0.isNumber) }
        for (index, word) in words.enumerated() where word.lowercased() == "response" && index + 1 < words.count {
            if let label = label(words[index + 1]) { labels.append(label) }
        }
        return labels
    }

    /// `1. B`, `2) C`, `3 - D2`: the label of a numbered line.
    static func numberedLabel(_ line: Substring) -> String? {
        var rest = line.drop { $0.isWhitespace }
        guard rest.first?.isNumber == true else { return nil }
        rest = rest.drop { $0.isNumber }
        guard let mark = rest.first, ".):-".contains(mark) else { return nil }
        let word = rest.dropFirst().drop { $0.isWhitespace }.prefix { $0.isLetter || $0.isNumber }
        return label(word)
    }

    /// A label as ``AnonymizedAnswers/label(_:)`` writes them: one capital letter, then digits.
    private static func label(_ word: Substring) -> String? {
        guard let first = word.first, first.isASCII, first.isUppercase, word.dropFirst().allSatisfy(\.isNumber) else {
            return nil
        }
        return String(word)
    }
}
