import NIOConcurrencyHelpers
import TeamChatCore

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
/// change the session. Ctrl-C cancels the round in flight and keeps the prompt; Ctrl-D or `/quit` leaves.
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

    /// Where the prompt keeps its history: `$XDG_STATE_HOME/teamchat/history`, else `~/.local/state/…`.
    static func historyPath(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/teamchat/history" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/teamchat/history"
    }

    /// Runs until end of input or `/quit`; returns the exit status (0, or 130 after SIGTERM).
    mutating func run(reader: any PromptReader) async -> Int32 {
        let current = NIOLockedValueBox<Task<Void, Never>?>(nil)
        let terminated = NIOLockedValueBox(false)
        let signals = Interrupts.signals()
        let watcher = Task {
            for await signal in signals {
                if signal == SIGTERM { terminated.withLockedValue { $0 = true } }
                current.withLockedValue { $0?.cancel() }
            }
        }
        defer {
            watcher.cancel()
            reader.close()
        }
        var number = 0
        while !terminated.withLockedValue({ $0 }), let line = await reader.readLine() {
            switch PromptCommand.parse(line) {
            case .empty:
                continue
            case .quit:
                return ExitStatus.ok
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
            case .json(let on):
                json = on
            case .stats:
                await access.statsReport(roster: roster)?.humanLines(style: style).forEach(Console.out)
            case .warm:
                guard let team = select(include: to, exclude: exclude) else { continue }
                number += 1
                await runRound(.ping, team: team, number: number, current: current)
            case .message(let text, let names):
                guard let team = select(include: names ?? to, exclude: names == nil ? exclude : []) else { continue }
                let chat = ChatRequest(message: text, stream: stream, requestID: stream ? "teamchat-\(number + 1)" : nil)
                do {
                    try chat.validate()
                } catch {
                    Console.err("teamchat: \(error.message)")
                    continue
                }
                number += 1
                await runRound(.chat(chat), team: team, number: number, current: current)
            }
        }
        return terminated.withLockedValue { $0 } ? ExitStatus.interrupted : ExitStatus.ok
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

    /// One round in its own task, so that Ctrl-C cancels just the round.
    private func runRound(
        _ request: TeamRequest,
        team: [Specialist],
        number: Int,
        current: NIOLockedValueBox<Task<Void, Never>?>
    ) async {
        let printer = RoundPrinter(access: access, options: options, json: json, breakers: breakers, stream: stream)
        let task = Task {
            var renderer = printer.makeRenderer(for: team)
            _ = await printer.round(request, to: team, number: number, message: nil, renderer: &renderer)
        }
        current.withLockedValue { $0 = task }
        await task.value
        current.withLockedValue { $0 = nil }
    }
}
