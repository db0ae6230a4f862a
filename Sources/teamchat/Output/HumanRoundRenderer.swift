import TeamChatJudge
import TeamChatModel
import TeamChatRoster

/// Output for people: each answer the moment it arrives, labelled with the specialist and its latency, failures
/// in words, a summary line last. Everything a specialist sent is sanitised before it reaches the terminal.
///
/// Streamed chunks are shown on a terminal as a live board (``LiveBoard``) of the answers still growing, each
/// finished answer printed whole above it; elsewhere only whole answers are printed (a pipe gets no fragments).
///
/// While a round waits, a transient line on standard error (a terminal only) says for whom and how long:
/// `waiting for athena-ai, ergon-ai · 1.2 s of 2.0 s`; it is erased before each answer and when the round ends.
/// On a terminal, answers are word-wrapped to its width under a hanging indent; elsewhere lines are left whole.
struct HumanRoundRenderer: RoundRenderer {
    private let style: Style
    private let idWidth: Int
    private var board: LiveBoard?
    private let ids: [String]
    private var pending: [String] = []
    private let waiting: ProgressLine?
    private let timeout: Duration
    private let wrapWidth: Int?
    /// How the summary line names the team (`team design`): the team a bare `send` used is never left unsaid.
    private let teamName: String?
    /// Prices per model (`teams.json`); with any, the summary line says what the round cost.
    private let prices: [String: ModelPrice]
    private var cost: CostTally
    /// The judge whose words are being written as they arrive (a live terminal only).
    private var judgeWriting: String?

    /// - Parameters:
    ///   - live: draw streamed chunks on a live board (only on a terminal).
    ///   - waiting: where to say who the round still waits for (nil: nowhere).
    ///   - wrapWidth: the terminal's width, to wrap answers to (nil: lines left whole).
    init(
        ids: [String], style: Style, live: Bool = false, width: Int = 80, waiting: ProgressLine? = nil,
        timeout: Duration = .seconds(2), wrapWidth: Int? = nil, teamName: String? = nil,
        prices: [String: ModelPrice] = [:]
    ) {
        self.teamName = teamName
        self.prices = prices
        self.cost = CostTally(prices: prices)
        self.style = style
        self.ids = ids
        self.idWidth = min(24, ids.map { TerminalSanitizer.sanitizeLine($0).count }.max() ?? 0)
        self.board = live ? LiveBoard(width: width, labelWidth: idWidth, style: style) : nil
        // No ticking at all when nothing would be drawn (a pipe, a log): rounds then read their events directly.
        self.waiting = live || waiting?.isEnabled != true ? nil : waiting
        self.timeout = timeout
        self.wrapWidth = wrapWidth
    }

    var wantsTicks: Bool { waiting != nil }

    mutating func tick(elapsed: Duration) {
        guard let waiting, !pending.isEmpty else { return }
        let time = "\(Formatting.fixed(elapsed.seconds, 1)) s of \(Formatting.fixed(timeout.seconds, 1)) s"
        waiting.show("waiting for " + Self.names(pending, room: max(20, (Console.errorTerminalWidth ?? 80) - time.count - 16))
            + " · " + time)
    }

    /// As many of `names` as fit in `room` characters, then how many more.
    static func names(_ names: [String], room: Int) -> String {
        var shown: [String] = []
        var length = 0
        for (index, name) in names.enumerated() {
            let clean = TerminalSanitizer.sanitizeLine(name)
            let rest = names.count - index - 1
            let tail = rest > 0 ? " and \(rest) more".count : 0
            if !shown.isEmpty, length + 2 + clean.count + tail > room {
                return shown.joined(separator: ", ") + " and \(names.count - shown.count) more"
            }
            shown.append(clean)
            length += clean.count + (shown.count > 1 ? 2 : 0)
        }
        return shown.joined(separator: ", ")
    }

    mutating func begin(round: Int, message: String?) {
        pending = ids
        cost = CostTally(prices: prices)
        guard let message else { return }
        if round > 1 { Console.out("") }
        Console.out(style.bold("» " + TerminalSanitizer.sanitize(message)))
    }

    mutating func render(_ event: RoundEvent) {
        switch event {
        case .chunk(let id, let chunk):
            board?.add(chunk.content, for: id)
        case .outcome(let outcome):
            waiting?.erase()
            cost.add(outcome)
            pending.removeAll { $0 == outcome.specialistID }
            if board != nil {
                let text = line(for: outcome)
                board?.remove(outcome.specialistID)
                board?.print(above: text)
            } else {
                Console.out(line(for: outcome))
            }
        case .finished(let summary):
            waiting?.erase()
            pending = []
            board?.clear()
            Console.out(style.dim(
                KindWords.summary(summary) + (prices.isEmpty ? "" : " · " + cost.words)
                    + (teamName.map { " · " + TerminalSanitizer.sanitizeLine($0) } ?? "")))
        }
    }

    /// The council's ballots and count, then the judge's panel after the members' (DESIGN §10): on a live terminal
    /// its words as it writes them, elsewhere the whole answer once it is complete.
    mutating func synthesis(_ event: SynthesisEvent, answers: AnonymizedAnswers) {
        func name(_ label: String) -> String {
            TerminalSanitizer.sanitizeLine(answers.specialist(for: label) ?? "Response \(label)")
        }
        switch event {
        case .ballot(let ballot):
            let ranked = ballot.order.map { $0.map(name).joined(separator: " > ") }
                ?? (ballot.failure.map { "abstained: " + TerminalSanitizer.sanitizeLine($0) } ?? "abstained")
            Console.out(style.dim(label(ballot.ranker) + "  ranks  " + ranked))
        case .ranking(let ranking):
            let abstained = ranking.ballots.filter(\.abstained).count
            guard !ranking.isEmpty else {
                Console.out(style.bold("ranking") + style.dim(" · no ballot ranked anything (\(abstained) abstained)"))
                return
            }
            Console.out(style.bold("ranking") + style.dim(
                " · Borda count of \(ranking.ballots.count - abstained) ballot\(ranking.ballots.count - abstained == 1 ? "" : "s")"
                    + (abstained > 0 ? ", \(abstained) abstained" : "")))
            for total in ranking.totals {
                Console.out(
                    Formatting.leftPadded("\(total.place).", to: 4) + " " + label(total.specialist) + "  "
                        + Formatting.leftPadded("\(total.points)", to: 3) + style.dim(" point\(total.points == 1 ? "" : "s")"))
            }
        case .chunk(let judge, _, let content):
            guard board != nil else { return }
            if judgeWriting == nil {
                judgeWriting = judge
                Console.out("")
                Console.out(style.bold("judge · " + TerminalSanitizer.sanitizeLine(judge)))
            }
            Console.outRaw(TerminalSanitizer.sanitize(content))
        case .verdict(let verdict):
            if judgeWriting != nil {
                Console.out("")
            } else if let judge = verdict.judge {
                Console.out("")
                Console.out(style.bold("judge · " + TerminalSanitizer.sanitizeLine(judge)))
                let text = TerminalSanitizer.sanitize(verdict.content)
                Console.out(wrapWidth.map { TextWrapping.wrap(text, width: max(20, $0)).joined(separator: "\n") } ?? text)
            }
            judgeWriting = nil
            Console.out(Self.footer(verdict, style: style))
        }
    }

    /// `based on 3 of 4 answers · missing ergon-ai (timeout) · 1.2 s`, and what went wrong with the judge.
    static func footer(_ verdict: JudgeVerdict, style: Style) -> String {
        var parts = ["based on \(verdict.basedOn.count) of \(verdict.basedOn.count + verdict.missing.count) answers"]
        if !verdict.missing.isEmpty {
            parts.append("missing " + verdict.missing.map {
                TerminalSanitizer.sanitizeLine($0.specialist) + " (" + String(KindWords.count($0.kind, 1).dropFirst(2)) + ")"
            }.joined(separator: ", "))
        }
        if verdict.ranked { parts.append("with the council's ranking") }
        parts.append(Formatting.latency(verdict.elapsed))
        var footer = style.dim(parts.joined(separator: " · "))
        for attempt in verdict.attempts {
            footer += "\n" + style.yellow("judge " + TerminalSanitizer.sanitizeLine(attempt.judge) + " failed first: "
                + TerminalSanitizer.sanitizeLine(attempt.words))
        }
        if verdict.truncated {
            footer += "\n" + style.red("✗ the judge was cut short: " + TerminalSanitizer.sanitizeLine(verdict.error?.message ?? "truncated"))
        } else if verdict.judge == nil {
            footer += "\n" + style.red("✗ no answer from the judge: " + TerminalSanitizer.sanitizeLine(verdict.error?.message ?? "none could answer"))
        }
        return footer
    }

    mutating func interrupted(_ partial: RoundSummary) {
        waiting?.erase()
        pending = []
        board?.clear()
        Console.out(style.dim(KindWords.summary(partial, interrupted: true)))
    }

    private func label(_ id: String) -> String {
        Formatting.padded(TerminalSanitizer.sanitizeLine(id), to: idWidth)
    }

    private func line(for outcome: SpecialistOutcome) -> String {
        // A specialist that was never asked (its breaker skipped it; cancelled before its turn) took no time: its
        // row shows none rather than "0.00 ms".
        let asked = outcome.attempts > 0 || outcome.isSuccess
        let latency = Formatting.leftPadded(asked ? Formatting.latency(outcome.elapsed) : "-", to: 8)
        switch outcome.result {
        case .success(let reply):
            let text: String
            switch reply {
            case .answer(let answer): text = TerminalSanitizer.sanitize(answer.content)
            case .alive: text = "pong"
            case .info(let info): text = TerminalSanitizer.sanitizeLine(info.description ?? "alive")
            }
            return style.green(label(outcome.specialistID)) + "  " + style.dim(latency) + "  " + indent(text)
        case .failure(let error) where error.isNotNeeded:
            // The quorum was met first: nobody failed.
            return style.dim(label(outcome.specialistID) + "  " + latency + "  · " + error.message)
        case .failure(let error):
            let words = KindWords.describe(error)
            let colour = error.kind == .cancelled || error.kind == .breakerOpen ? style.yellow(words) : style.red(words)
            return style.red(label(outcome.specialistID)) + "  " + style.dim(latency) + "  ✗ " + colour
        }
    }

    /// Continuation lines of a multi-line answer line up under its first line; on a terminal, long lines are
    /// wrapped at word boundaries to fit beside that indent.
    private func indent(_ text: String) -> String {
        let hanging = idWidth + 12
        let lines: [String]
        if let wrapWidth, wrapWidth - hanging >= 20 {
            lines = TextWrapping.wrap(text, width: wrapWidth - hanging)
        } else {
            guard text.contains("\n") else { return text }
            lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return lines.joined(separator: "\n" + String(repeating: " ", count: hanging))
    }
}
