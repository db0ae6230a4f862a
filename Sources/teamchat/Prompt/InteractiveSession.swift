import TeamChatJSON
import TeamChatJudge
import TeamChatModel
import TeamChatRoster

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive team chat: each line is a round over the same warm pool, `@ids` address some, `/commands`
/// change the session; a line ending in `\`, a `"""` block or a paste is one message of many lines. Ctrl-C cancels
/// the round in flight, or drops the line being typed, and keeps the prompt; Ctrl-D, `/quit` or SIGTERM leaves.
struct InteractiveSession {
    let access: TeamAccess
    let roster: [Specialist]
    var options: RoundOptions
    let stream: Bool
    let breakers: Bool
    var json: Bool
    /// Standing `/to` and `/exclude` names.
    var to: [String]
    var exclude: [String]
    /// Where each round is logged, if anywhere.
    let recorder: RoundRecorder?
    /// The conversation the prompt's rounds make (`/new` starts another, `/history` shows it).
    let conversation: Conversation
    /// The judge or council after each round (`--judge`, `/judge`, `/council`); nil: none.
    var synthesis: Synthesis?
    /// The judge's budgets, for a synthesis started at the prompt.
    var synthesisOptions: RoundOptions
    /// Everyone a judge may be chosen from (the team's members or not).
    let everyone: [Specialist]
    /// How the summary line names the team.
    let teamName: String
    /// The named team, whose members' own timeouts apply.
    var namedTeam: NamedTeam? = nil
    /// Prices per model, for each round's cost.
    var prices: [String: ModelPrice] = [:]

    /// Where the prompt keeps its history: `$XDG_STATE_HOME/teamchat/history`, else `~/.local/state/…`.
    static func historyPath(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/teamchat/history" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/teamchat/history"
    }

    /// Runs until end of input, `/quit` or SIGTERM; returns the exit status (0, or 130 after SIGTERM).
    mutating func run(reader: any PromptReader) async -> Int32 {
        // The handlers are installed here, before the first read: no signal can slip in before they exist.
        let signals = Interrupts.signals()
        let control = PromptControl(reader: reader)
        defer { reader.close() }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await signal in signals { control.received(signal) }
            }
            let status = await loop(control: control, reader: reader)
            group.cancelAll()  // ends the watcher
            return status
        }
    }

    private mutating func loop(control: PromptControl, reader: any PromptReader) async -> Int32 {
        var number = 0
        var pending: [String] = []  // lines of a message that goes on
        var manyLines = false  // inside """ … """
        while !control.terminated {
            reader.setPrompt(manyLines || !pending.isEmpty ? "... " : promptText)
            switch await control.read() {
            case .end:
                // Ctrl-D: leave on a line of our own, as shells do.
                if Console.stdinIsTerminal, Console.stdoutIsTerminal { Console.outRaw("\n") }
                return control.terminated ? ExitStatus.interrupted : ExitStatus.ok
            case .interrupted:
                pending = []
                manyLines = false
            case .line(let line):
                if line.trimmed == "\"\"\"" {
                    manyLines.toggle()
                    if manyLines { continue }
                } else if manyLines {
                    pending.append(line)
                    continue
                } else if line.hasSuffix("\\") {
                    pending.append(String(line.dropLast()))
                    continue
                } else {
                    pending.append(line)
                }
                let text = pending.joined(separator: "\n")
                pending = []
                if await perform(PromptCommand.parse(text), number: &number, control: control) == .quit {
                    return ExitStatus.ok
                }
            }
        }
        return ExitStatus.interrupted
    }

    /// The prompt, with the standing filter and quorum: `teamchat (to engram-ai,hermes-ai; quorum 2)> `.
    var promptText: String {
        var parts: [String] = []
        if !to.isEmpty { parts.append("to " + to.joined(separator: ",")) }
        if !exclude.isEmpty { parts.append("not " + exclude.joined(separator: ",")) }
        if let quorum = options.quorum { parts.append("quorum \(quorum)") }
        return parts.isEmpty ? "teamchat> " : "teamchat (\(parts.joined(separator: "; ")))> "
    }

    private mutating func perform(_ command: PromptCommand, number: inout Int, control: PromptControl) async
        -> PromptCommand?
    {
        switch command {
        case .empty:
            break
        case .quit:
            return .quit
        case .help:
            Console.out(PromptCommand.helpText)
        case .invalid(let message):
            Console.err("teamchat: \(message)")
        case .to(let names):
            if select(include: names, exclude: exclude) != nil {
                to = names
                Console.err("teamchat: addressing \(names.isEmpty ? "everyone" : names.joined(separator: ", "))")
            }
        case .exclude(let names):
            if select(include: to, exclude: names) != nil {
                exclude = names
                Console.err("teamchat: excluding \(names.isEmpty ? "nobody" : names.joined(separator: ", "))")
            }
        case .timeout(let duration):
            options.timeout = duration
            Console.err("teamchat: reply timeout \(duration.secondsText)")
        case .quorum(let quorum):
            options.quorum = quorum
            Console.err(quorum.map { "teamchat: each round ends once \($0) have answered" } ?? "teamchat: waiting for everyone")
        case .json(let on):
            json = on
            Console.err(on ? "teamchat: printing NDJSON events" : "teamchat: printing text")
        case .share(let ids):
            let unknown = conversation.share(ids)
            if !unknown.isEmpty {
                Console.err("teamchat: no answer of \(unknown.joined(separator: ", ")) in the last round to share")
            }
            if unknown.count < ids.count { Console.err("teamchat: shared with everyone in the next round") }
        case .roundtable(let on):
            conversation.roundtable = on
            Console.err("teamchat: roundtable \(on ? "on: each specialist is given the others' previous answers" : "off")")
        case .judge(let ids):
            guard !ids.isEmpty else {
                synthesis = synthesis?.mode == .council ? Synthesis(mode: .council, judges: [], prompt: synthesis?.prompt ?? .judge, options: synthesisOptions) : nil
                Console.err(synthesis == nil ? "teamchat: no judge: every answer, no synthesis" : "teamchat: no judge: the council's top-ranked member writes the answer")
                break
            }
            let unknown = ids.filter { id in !everyone.contains { $0.id == id } }
            guard unknown.isEmpty else {
                Console.err("teamchat: no specialist \(unknown.joined(separator: ", ")) in the team")
                break
            }
            let judges = ids.compactMap { id in everyone.first { $0.id == id } }
            synthesis = Synthesis(
                mode: synthesis?.mode == .council ? .council : .judge, judges: judges, prompt: synthesis?.prompt ?? .judge,
                options: synthesisOptions)
            Console.err("teamchat: \(ids[0]) judges each round" + (ids.count > 1 ? " (then \(ids.dropFirst().joined(separator: ", ")))" : ""))
        case .council(let on):
            let judges = synthesis?.judges ?? []
            synthesis = on || !judges.isEmpty
                ? Synthesis(mode: on ? .council : .judge, judges: judges, prompt: synthesis?.prompt ?? .judge, options: synthesisOptions)
                : nil
            Console.err(on ? "teamchat: council on: members rank one another's answers before the synthesis" : "teamchat: council off")
        case .newConversation:
            conversation.startOver()
            Console.err("teamchat: a new conversation (\(conversation.id))")
        case .history:
            let rounds = conversation.rounds
            if rounds.isEmpty { Console.err("teamchat: nothing said in this conversation yet") }
            for round in rounds {
                Console.out("> " + TerminalSanitizer.sanitizeLine(round.message))
                for answer in round.answers {
                    let id = TerminalSanitizer.sanitizeLine(answer.specialist)
                    Console.out(answer.success
                        ? "  \(id): " + TerminalSanitizer.sanitizeLine(answer.content ?? "")
                        : "  \(id): (\(answer.errorKind ?? "failed"): no answer kept in its thread)")
                }
            }
        case .stats:
            await access.statsReport(roster: roster)?.humanLines(style: style).forEach(Console.out)
        case .warm:
            guard let team = select(include: to, exclude: exclude) else { break }
            number += 1
            await runRound(.ping, team: team, number: number, control: control)
        case .message(let text, let names):
            guard let team = select(include: names ?? to, exclude: names == nil ? exclude : []) else { break }
            let chat = ChatRequest(message: text, stream: stream, requestID: stream ? "teamchat-\(number + 1)" : nil)
            do {
                try chat.validate()
            } catch {
                Console.err("teamchat: \(error.message)")
                break
            }
            if let quorum = options.quorum, quorum > team.count {
                Console.err("teamchat: quorum \(quorum) is more than the \(team.count) specialists addressed")
                break
            }
            number += 1
            await runRound(.chat(chat), team: team, number: number, control: control)
        }
        return nil
    }

    private var style: Style { .detect(terminal: Console.stdoutIsTerminal) }

    /// The team for these names, or `nil` after saying what is wrong.
    private func select(include: [String], exclude: [String]) -> [Specialist]? {
        do {
            let team = try SpecialistSelector.select(roster, include: include, exclude: exclude)
            if team.isEmpty {
                Console.err("teamchat: nobody left to ask")
                return nil
            }
            return team
        } catch {
            Console.err("teamchat: \(error.message)")
            return nil
        }
    }

    /// One round, which Ctrl-C cancels (and only it).
    private func runRound(_ request: TeamRequest, team: [Specialist], number: Int, control: PromptControl) async {
        var made = RoundPrinter(
            access: access, options: options, json: json, breakers: breakers, stream: stream, recorder: recorder,
            conversation: conversation)
        made.synthesis = synthesis
        made.teamName = teamName
        made.namedTeam = namedTeam
        made.prices = prices
        let printer = made
        await control.cancellable {
            var renderer = printer.makeRenderer(for: team)
            _ = await printer.round(request, to: team, number: number, message: nil, renderer: &renderer)
        }
    }
}
