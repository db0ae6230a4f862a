/// Word wrapping for answers shown on a terminal.
enum TextWrapping {
    /// `text`'s lines, each cut at spaces into lines of at most `width` characters; its own line breaks are kept,
    /// a word longer than `width` (a URL, say) is left whole on a line of its own, and spaces at a break vanish.
    static func wrap(_ text: String, width: Int) -> [String] {
        precondition(width > 0)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard paragraph.count > width else {
                lines.append(String(paragraph))
                continue
            }
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                if line.isEmpty {
                    line = String(word)
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = String(word)
                }
            }
            lines.append(line)
        }
        return lines
    }
}
