import ArgumentParser
import Foundation
import TeamChatJudge
import TeamChatModel
import TeamChatRoster

/// `--judge`, `--council` and their prompt and deadline (DESIGN §10): one answer from the team.
struct SynthesisOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("When the round ends, this specialist writes one answer from the team's (anonymized, shuffled); a comma list names fallbacks, tried when one fails before its first byte.", valueName: "id[,fallback…]"),
            completion: .custom(SpecialistCompletion.ids))
    var judge: [String] = []

    @Flag(name: .long, help: "First each member ranks the others' answers (never its own; a Borda count), then the judge (or the top-ranked member) writes the answer with the ranking.")
    var council = false

    @Option(name: .long, help: ArgumentHelp("The judge's prompt template: {{question}}, {{responses}} (required), {{missing}}, {{ranking}}.", valueName: "file"),
            completion: .file())
    var judgePrompt: String?

    @Option(name: .customLong("judge-timeout"), parsing: .unconditional, help: ArgumentHelp("How long the judge, and each council member's ranking, may take (default: 60s, or the named team's).", valueName: "duration"))
    var judgeTimeoutGiven: DurationArgument?

    func validate() throws {
        if let given = judgeTimeoutGiven, given.duration <= .zero { throw ValidationError("--judge-timeout must be positive") }
        if judgePrompt != nil, judge.isEmpty, !council { throw ValidationError("--judge-prompt goes with --judge or --council") }
    }

    /// The judge ids in the order they are tried.
    var judges: [String] { SpecialistSelector.names(judge) }

    /// Whether any synthesis was asked for.
    var isRequested: Bool { !judge.isEmpty || council }

    /// The synthesis for rounds over `roster` (the judges may be outside the addressed team); nil when none was
    /// asked for. An unknown judge or a template that cannot be read or is wrong stops the command with the
    /// reason (64, 66, 65).
    func make(roster: [Specialist], options: RoundOptions, team: NamedTeam? = nil) throws -> Synthesis? {
        // The flags, else the named team's judge and mode.
        let mode: Synthesis.Mode
        let ids: [String]
        if isRequested {
            (mode, ids) = (council ? .council : .judge, judges)
        } else if let team, team.mode != .panel, team.mode == .council || !team.judge.isEmpty {
            (mode, ids) = (team.mode == .council ? .council : .judge, team.judge)
        } else {
            return nil
        }
        let byID = Dictionary(roster.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var judges: [Specialist] = []
        for id in ids {
            guard let specialist = byID[id] else {
                throw fail(ExitStatus.usage, (isRequested ? "--judge" : "team '\(team?.name ?? "")': judge")
                        + ": no specialist '\(TerminalSanitizer.sanitizeLine(id))' in the team (known: "
                        + roster.map(\.id).joined(separator: ", ") + ")")
            }
            judges.append(specialist)
        }
        var prompt = JudgePrompt.judge
        if let judgePrompt {
            guard let data = FileManager.default.contents(atPath: judgePrompt) else {
                throw fail(ExitStatus.noInput, "--judge-prompt: cannot read \(judgePrompt)")
            }
            do {
                prompt = try JudgePrompt(template: String(decoding: data, as: UTF8.self))
            } catch {
                throw fail(ExitStatus.badInput, "--judge-prompt \(judgePrompt): \(error.message)")
            }
        }
        return Synthesis(mode: mode, judges: judges, prompt: prompt, options: stageOptions(options, team: team))
    }

    /// A stage's budgets: the round's, with the judge's timeout (the flag's, else the named team's).
    func stageOptions(_ options: RoundOptions, team: NamedTeam? = nil) -> RoundOptions {
        var stage = options
        stage.timeout = judgeTimeoutGiven?.duration ?? team?.judgeTimeout ?? .seconds(60)
        return stage
    }
}
