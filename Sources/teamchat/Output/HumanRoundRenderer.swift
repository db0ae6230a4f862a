import TeamChatCore

/// Output for people: each answer the moment it arrives, labelled with the specialist and its latency, failures
/// in words, a summary line last. Everything a specialist sent is sanitised before it reaches the terminal.
///
/// Streamed chunks are shown on a terminal as a live board (``LiveBoard``) of the answers still growing, each
/// finished answer printed whole above it; elsewhere only whole answers are printed (a pipe gets no fragments).
struct HumanRoundRenderer: RoundRenderer {
    private let style: Style
    private let idWidth: Int
    private var board: LiveBoard?

    /// - Parameter live: draw streamed chunks on a live board (only on a terminal).
    init(ids: [String], style: Style, live: Bool = false, width: Int = 80) {
        self.style = style
        self.idWidth = min(24, ids.map { TerminalSanitizer.sanitizeLine($0).count }.max() ?? 0)
        self.board = live ? LiveBoard(width: width, labelWidth: idWidth, style: style) : nil
    }

    mutating func begin(round: Int, message: String?) {
        guard let message else { return }
        if round > 1 { Console.out("") }
        Console.out(style.bold("» " + TerminalSanitizer.sanitize(message)))
    }

    mutating func render(_ event: RoundEvent) {
        switch event {
        case .chunk(let id, let chunk):
            board?.add(chunk.content, for: id)
        case .outcome(let outcome):
            if board != nil {
                let text = line(for: outcome)
                board?.remove(outcome.specialistID)
                board?.print(above: text)
            } else {
                Console.out(line(for: outcome))
            }
        case .finished(let summary):
            board?.clear()
            Console.out(style.dim(KindWords.summary(summary)))
        }
    }

    mutating func interrupted(_ partial: RoundSummary) {
        board?.clear()
        Console.out(style.dim(KindWords.summary(partial, interrupted: true)))
    }

    private func label(_ id: String) -> String {
        Formatting.padded(TerminalSanitizer.sanitizeLine(id), to: idWidth)
    }

    private func line(for outcome: SpecialistOutcome) -> String {
        let latency = Formatting.leftPadded(Formatting.latency(outcome.elapsed), to: 8)
        switch outcome.result {
        case .success(let reply):
            let text: String
            switch reply {
            case .answer(let answer): text = TerminalSanitizer.sanitize(answer.content)
            case .alive: text = "pong"
            case .info(let info): text = TerminalSanitizer.sanitizeLine(info.description ?? "alive")
            }
            return style.green(label(outcome.specialistID)) + "  " + style.dim(latency) + "  " + indent(text)
        case .failure(let error):
            let words = KindWords.describe(error)
            let colour = error.kind == .cancelled || error.kind == .breakerOpen ? style.yellow(words) : style.red(words)
            return style.red(label(outcome.specialistID)) + "  " + style.dim(latency) + "  ✗ " + colour
        }
    }

    /// Continuation lines of a multi-line answer line up under its first line.
    private func indent(_ text: String) -> String {
        guard text.contains("\n") else { return text }
        let pad = String(repeating: " ", count: idWidth + 12)
        return text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + pad)
    }
}
