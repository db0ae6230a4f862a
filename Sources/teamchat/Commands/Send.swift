import ArgumentParser
import TeamChatCore

/// `teamchat send`: one team-chat round per message.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message to the whole team and print every answer as it arrives.",
        discussion: """
            With MESSAGE, one round. Without MESSAGE and with standard input not a terminal, each input line is one \
            round over the same warm connections (for pipelines). Without MESSAGE on a terminal (or with \
            --interactive), an interactive prompt: each line is a round; @apollo-ai,athena-ai addresses some; /to, \
            /exclude, /timeout, /stats, /warm, /json on|off, /help, /quit. History is kept in \
            $XDG_STATE_HOME/teamchat/history; Tab completes @ids and /commands.

            Each specialist has its own reply timeout counted from its own send; the deadline bounds the whole round. \
            With --quorum K the round ends as soon as K specialists replied (the rest are cancelled) and succeeds \
            when K replied.
            """
    )

    @Argument(help: "The message (words are joined with spaces).")
    var message: [String] = []

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @Option(name: .long, help: ArgumentHelp("Ask only these specialists (repeatable, comma lists allowed).", valueName: "id"),
            completion: .custom(SpecialistCompletion.ids))
    var to: [String] = []

    @Option(name: .long, help: ArgumentHelp("Do not ask these specialists (repeatable, comma lists allowed).", valueName: "id"),
            completion: .custom(SpecialistCompletion.ids))
    var exclude: [String] = []

    @OptionGroup(title: "Budgets")
    var budgets: RoundFlags

    @Option(name: .long, help: ArgumentHelp("Replies needed for success (default: every addressed specialist).", valueName: "k"))
    var quorum: Int?

    @Option(name: .long, help: ArgumentHelp("Retry failed connection attempts this many times (never a request that was sent).", valueName: "n"))
    var retries = 0

    @Flag(name: .long, help: "Ask specialists to stream their answers and show chunks as they arrive.")
    var stream = false

    @Flag(name: .long, help: "Print NDJSON events (reply, chunk, summary), one per line.")
    var json = false

    @Flag(name: .long, help: "Ask specialists whose circuit breaker is open too.")
    var noBreaker = false

    @Flag(name: .long, help: "The interactive loop (@ids, /commands) even when standard input is not a terminal.")
    var interactive = false

    func validate() throws {
        if let quorum, quorum < 1 { throw ValidationError("--quorum must be at least 1") }
        if retries < 0 { throw ValidationError("--retries must not be negative") }
    }

    func run() async throws {
        let client = discovery.makeClient()
        defer { client.shutdown() }
        let directory = try discovery.makeDirectory(client: client, probe: budgets.options)
        let resolution = try await TeamLoader.resolve(directory)
        let team = try TeamLoader.select(resolution.roster, to: to, exclude: exclude)
        if team.isEmpty {
            throw fail(ExitStatus.unavailable, "no specialist to ask")
        }
        if let quorum, quorum > team.count {
            throw fail(ExitStatus.usage, "--quorum \(quorum) is more than the \(team.count) specialists addressed")
        }
        TeamLoader.ensureDescriptors(for: team.count)

        let text = message.joined(separator: " ")
        if !text.isEmpty {
            do {
                _ = try WireRequest.chat(text).encodedLine()
            } catch {
                throw fail(ExitStatus.usage, error.message)
            }
        }
        var options = budgets.options
        options.quorum = quorum
        options.retries = retries
        let session = RoundSession(
            client: client,
            directory: directory,
            team: team,
            options: options,
            stream: stream,
            json: json,
            breakers: !noBreaker,
            health: resolution.health
        )
        if text.isEmpty && (interactive || Console.stdinIsTerminal) {
            var prompt = InteractiveSession(
                client: client, directory: directory, roster: resolution.roster, options: options, stream: stream,
                breakers: !noBreaker, health: resolution.health, json: json, to: to, exclude: exclude)
            let reader: any PromptReader
            if Console.stdinIsTerminal, Console.stdoutIsTerminal,
                let editor = LineEditor(
                    historyPath: InteractiveSession.historyPath(environment: discovery.environment),
                    ids: resolution.roster.map(\.id))
            {
                Console.err("teamchat: \(team.count) specialists; /help for commands, Ctrl-D to leave")
                reader = editor
            } else {
                reader = PlainLineReader()
            }
            let status = await prompt.run(reader: reader)
            await resolution.refresh?.value
            if status != ExitStatus.ok { throw ExitCode(status) }
            return
        }
        let lines: AsyncStream<String>? = text.isEmpty ? PlainLineReader().lines() : nil
        let (status, interrupted) = await Interrupts.run {
            if let lines {
                await session.run(lines: lines)
            } else {
                await session.run(message: text)
            }
        }
        if interrupted { throw ExitCode(ExitStatus.interrupted) }
        await resolution.refresh?.value
        if status != ExitStatus.ok { throw ExitCode(status) }
    }
}

/// Runs rounds one after another over one client and renders them.
struct RoundSession: Sendable {
    let client: TeamClient
    let directory: TeamDirectory
    let team: [Specialist]
    let options: RoundOptions
    let stream: Bool
    let json: Bool
    /// Whether open breakers skip specialists.
    let breakers: Bool
    /// Health as of the last cache read or write, for breaker decisions.
    let health: [String: SpecialistHealth]

    /// One round; returns the exit status.
    func run(message: String) async -> Int32 {
        var renderer = makeRenderer()
        var tracker = RoundStatusTracker()
        var health = self.health
        if let summary = await round(message, number: 1, showMessage: false, renderer: &renderer, health: &health) {
            tracker.add(summary)
        }
        return tracker.status
    }

    /// A round per non-empty line; returns the exit status over all of them.
    func run(lines: AsyncStream<String>) async -> Int32 {
        var renderer = makeRenderer()
        var tracker = RoundStatusTracker()
        var health = self.health
        var number = 0
        for await line in lines {
            let text = line.trimmed
            if text.isEmpty { continue }
            do {
                _ = try WireRequest.chat(text).encodedLine()
            } catch {
                Console.err("teamchat: skipped a line: \(error.message)")
                tracker.skippedBadInput()
                continue
            }
            number += 1
            guard
                let summary = await round(
                    text, number: number, showMessage: true, renderer: &renderer, health: &health)
            else { break }
            tracker.add(summary)
        }
        return tracker.status
    }

    /// Runs one chat round, rendering as events arrive. Returns `nil` when the round was interrupted.
    private func round(
        _ text: String,
        number: Int,
        showMessage: Bool,
        renderer: inout any RoundRenderer,
        health: inout [String: SpecialistHealth]
    ) async -> RoundSummary? {
        let request = WireRequest.chat(text, stream: stream, requestID: stream ? "teamchat-\(number)" : nil)
        return await round(
            request, number: number, message: showMessage ? text : nil, renderer: &renderer, health: &health)
    }

    /// Runs one round of any request, rendering as events arrive. Returns `nil` when the round was interrupted.
    func round(
        _ request: WireRequest,
        number: Int,
        message: String?,
        renderer: inout any RoundRenderer,
        health: inout [String: SpecialistHealth]
    ) async -> RoundSummary? {
        renderer.begin(round: number, message: message)
        var partial = RoundSummary(addressed: team.count, quorum: options.quorum ?? team.count)
        var outcomes: [SpecialistOutcome] = []
        let skip = breakers ? directory.skips(for: team, health: health) : [:]
        let started = ContinuousClock.now
        defer {
            let updated = directory.record(outcomes)
            if !updated.isEmpty { health = updated }
        }
        for await event in client.round(request, to: team, options: options, skip: skip) {
            if case .finished(let summary) = event {
                // Cancellation ends the round with the exchanges in flight reported as cancelled: that is an
                // interruption, not a result.
                if Task.isCancelled { break }
                renderer.render(event)
                return summary
            }
            renderer.render(event)
            if case .outcome(let outcome) = event {
                partial.add(outcome)
                outcomes.append(outcome)
            }
        }
        partial.elapsed = started.duration(to: .now)
        renderer.interrupted(partial)
        return nil
    }

    func makeRenderer() -> any RoundRenderer {
        json ? JSONRoundRenderer() : HumanRoundRenderer(specialists: team, style: .detect(terminal: Console.stdoutIsTerminal))
    }
}
