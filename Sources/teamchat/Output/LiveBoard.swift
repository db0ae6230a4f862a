import TeamChatModel

/// The live view of a streamed round on a terminal: one line per specialist still answering, its text growing in
/// place (cut to the terminal's width); finished answers are printed in full above it by the renderer. Redrawn in
/// one write each time, so it never flickers half-drawn.
struct LiveBoard {
    private var lines: [(id: String, text: String)] = []
    private var drawn = 0
    private let width: Int
    private let labelWidth: Int
    private let style: Style

    init(width: Int, labelWidth: Int, style: Style) {
        self.width = max(20, width)
        self.labelWidth = labelWidth
        self.style = style
    }

    var isEmpty: Bool { lines.isEmpty }

    /// Adds a chunk to a specialist's line and redraws.
    mutating func add(_ chunk: String, for id: String) {
        if let index = lines.firstIndex(where: { $0.id == id }) {
            lines[index].text += chunk
        } else {
            lines.append((id, chunk))
        }
        redraw()
    }

    /// A specialist is done: its line goes. Returns the text to print above the board first (the board is erased
    /// around it by ``print(above:)``).
    mutating func remove(_ id: String) {
        lines.removeAll { $0.id == id }
    }

    /// Erases the board, writes `text` (whole lines) where it was, and draws the board again under it.
    mutating func print(above text: String) {
        Console.outRaw(erase() + text + "\n" + render())
        drawn = lines.count
    }

    /// Erases the board for good.
    mutating func clear() {
        Console.outRaw(erase())
        drawn = 0
    }

    private mutating func redraw() {
        Console.outRaw(erase() + render())
        drawn = lines.count
    }

    /// Moves up over the lines drawn last time and clears to the end of the screen.
    private func erase() -> String {
        drawn == 0 ? "" : "\u{1B}[\(drawn)A\r\u{1B}[J"
    }

    private func render() -> String {
        lines.map { line in
            let label = Formatting.padded(TerminalSanitizer.sanitizeLine(line.id), to: labelWidth)
            let room = max(8, width - label.count - 5)
            // The newest text, on one line: what is being said now.
            let flat = TerminalSanitizer.sanitizeLine(line.text.replacing("\n", with: " "))
            let tail = flat.count > room ? "…" + flat.suffix(room - 1) : flat
            return style.dim(label + "  … ") + tail + "\n"
        }.joined()
    }
}
