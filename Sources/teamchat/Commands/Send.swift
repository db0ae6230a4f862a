import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import TeamChatBus
import TeamChatJSON
import TeamChatLog
import TeamChatModel
import TeamChatRedis
import TeamChatRoster
import TeamChatSession

/// `teamchat send`: one team-chat round per message.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message to the whole team and print every answer as it arrives.",
        discussion: """
            With MESSAGE, one round. Without MESSAGE and with standard input not a terminal, each input line is one \
            round over the same warm connections (for pipelines). Without MESSAGE on a terminal (or with \
            --interactive), an interactive prompt: each line is a round; @apollo-ai,athena-ai addresses some; /to, \
            /exclude, /timeout, /quorum, /new, /history, /share, /roundtable, /stats, /warm, /json on|off, /help, \
            /quit; a line ending in \\, a \"\"\" block or a paste is one message of many lines; Ctrl-C cancels the \
            round in flight or drops the line being typed. History is kept in $XDG_STATE_HOME/teamchat/history; Tab \
            completes @ids and /commands.

            Conversations: with -c (the last conversation) or --conversation ID, each specialist is also sent its own \
            earlier turns in that conversation, and no one else's, unless shared: --share ID gives everyone that \
            answer of the last round, --roundtable each the others'. The prompt is one conversation (/new starts \
            another; /share, /roundtable). Every round is kept in the round log (see teamchat log; --no-log keeps \
            none).

            Each specialist has its own reply timeout counted from its own send; the deadline bounds the whole round. \
            With --quorum K the round ends as soon as K specialists replied (the rest are cancelled) and succeeds \
            when K replied. Durations are written 2 (seconds), 1.5s, 250ms, 1m30s or 1h.

            Examples:
              teamchat send "What should we build next?"
              teamchat send --scan 127.0.0.1:47000-47017 --to apollo,athena --json hi
              printf 'one\\ntwo\\n' | teamchat send --roster team.json
              teamchat send --conversation design "How should the pool evict?"
              teamchat send -c "And under load?"
            """
    )

    @Argument(help: "The message (words are joined with spaces); '-' reads it from standard input.")
    var message: [String] = []

    @Option(name: .long, help: ArgumentHelp("Attach this file's text after the message (repeatable).", valueName: "file"),
            completion: .file())
    var file: [String] = []

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

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

    @Flag(name: .customLong("async"), help: "With --bus: post the message on the bus's stream, print its round id and leave; 'teamchat collect ID' gathers the answers. A bridge that is down answers when it comes back, within --ttl.")
    var post = false

    @OptionGroup(title: "One answer from the team")
    var synthesis: SynthesisOptions

    @OptionGroup(title: "What every member is sent this run")
    var overrides: RunOverrides

    @Flag(name: .long, help: "Print each member's request as it would be sent (Tekton line, OpenAI body, threads included) and send nothing.")
    var dryRun = false

    @OptionGroup(title: "Gateway")
    var gateway: GatewayOptions

    @OptionGroup(title: "Round log")
    var log: LogOptions

    @Flag(name: [.customShort("c"), .customLong("continue")], help: "Continue the last conversation: each specialist is sent its own earlier turns in it (and no one else's).")
    var continueLast = false

    @Option(name: .long, help: ArgumentHelp("Continue the conversation with this id (as 'teamchat log' shows it), or start one by that name.", valueName: "id"))
    var conversation: String?

    @Option(name: .long, help: ArgumentHelp("With -c or --conversation: give everyone this specialist's answer of the last round, attributed (repeatable, comma lists allowed).", valueName: "id"),
            completion: .custom(SpecialistCompletion.ids))
    var share: [String] = []

    @Flag(name: .long, help: "With -c or --conversation: give each specialist the others' answers of the last round, attributed.")
    var roundtable = false

    func validate() throws {
        if let quorum, quorum < 1 { throw ValidationError("--quorum must be at least 1") }
        if !(0...100).contains(retries) { throw ValidationError("--retries must be between 0 and 100") }
        let text = message.joined(separator: " ")
        if post, discovery.bus == nil { throw ValidationError("--async posts on a bus: give --bus") }
        if post, text.isEmpty { throw ValidationError("--async needs the message on the command line") }
        if continueLast, conversation != nil { throw ValidationError("--continue and --conversation contradict each other") }
        if (!share.isEmpty || roundtable), !continueLast, conversation == nil {
            throw ValidationError("--share and --roundtable give answers of a conversation: add -c or --conversation ID")
        }
        if continueLast || conversation != nil {
            if log.off { throw ValidationError("conversations are kept in the round log: --no-log leaves none to continue") }
            if post { throw ValidationError("--async rounds are not part of a conversation") }
        }
        if let conversation, !ConversationThreads.isValidID(conversation) {
            throw ValidationError("--conversation: 1 to 64 letters, digits, '-' or '_'")
        }
        if !message.isEmpty, text.allSatisfy(\.isWhitespace) {
            // `send ""` is a slip (an empty variable, say), not a wish to read standard input.
            throw ValidationError("the message is empty (with no message at all, send reads standard input)")
        }
        if !file.isEmpty, text.isEmpty { throw ValidationError("--file attaches to a message: give one (or '-')") }
        if post, !file.isEmpty || text == "-" { throw ValidationError("--async takes the message from the command line only") }
        if dryRun, text.isEmpty { throw ValidationError("--dry-run shows the requests for a message: give one") }
        if dryRun, post { throw ValidationError("--dry-run and --async contradict each other") }
        if !text.isEmpty, text != "-", file.isEmpty {
            do {
                try ChatRequest(message: text).validate()
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    /// The round's budgets: these flags', else the named team's, else the defaults.
    func roundOptions(team: NamedTeam?) -> RoundOptions {
        var options = budgets.options(team: team)
        options.quorum = quorum ?? team?.quorum
        options.retries = retries
        options.maximumReplyBytes = discovery.maxReply.bytes
        return options
    }

    func run() async throws {
        output.apply()
        if post { return try await postAsync() }
        // A running `teamchat serve` for the same team has the warm connections: use it, unless told not to. A team
        // named on the command line is asked for before a session is made (the cache read, the transports: a tenth
        // of a one-shot `send` through the gateway); a remembered team is known once the session has read the cache.
        let plan = TeamPlan(named: try discovery.namedTeam(), override: try overrides.override(), teamsPath: discovery.teamsPath)
        // Members sent something of this process's own (overrides) are asked from here: a gateway sends its own.
        let useGateway = !plan.changesRequests && !dryRun
        let named = try discovery.source(environment: discovery.environment)
        if useGateway, let named, let (link, team) = await gateway.connect(to: named, environment: discovery.environment) {
            return try await run(through: link, team: team, source: named, plan: plan)
        }
        let session = try discovery.makeSession(source: named, probe: budgets.options(team: plan.named))
        if useGateway, named == nil, let (link, team) = await gateway.connect(for: session) {
            return try await run(through: link, team: team, source: session.source, plan: plan)
        }
        try await session.withRunning { session in
            try await run(access: .session(session), source: session.source, plan: plan) {
                try await TeamLoader.resolve(session)
            }
        }
    }

    /// Runs the command's rounds through a gateway that serves `team`, and closes the connection to it.
    private func run(
        through link: GatewayLink, team: SpecialistCache.Team, source: RosterSource, plan: TeamPlan
    ) async throws {
        do {
            try await run(access: .gateway(link, source: source.description), source: source, plan: plan) {
                TeamRoster(specialists: team.roster, origin: .fresh)
            }
        } catch {
            await link.close()
            throw error
        }
        await link.close()
    }

    /// Runs the command's rounds through `access`, the team from `roster`.
    private func run(
        access: TeamAccess, source: RosterSource, plan: TeamPlan,
        roster: @escaping @Sendable () async throws -> TeamRoster
    ) async throws {
        let options = roundOptions(team: plan.named)
        // Reading standard input waits for its writer: Ctrl-C or SIGTERM meanwhile is an interruption (130).
        let (composed, interruptedReading) = await Interrupts.run { () async -> Result<String, any Error> in
            do {
                return .success(try await composedMessage())
            } catch {
                return .failure(error)
            }
        }
        if interruptedReading { throw ExitCode(ExitStatus.interrupted) }
        let text = try composed.get()
        let via: String
        if let through = access.via { via = through } else if case .bus = source { via = "bus" } else { via = "direct" }
        // The prompt and `-c` read their conversation first: they open the log. Other rounds go through its spool.
        let prompting = text.isEmpty && (interactive || Console.stdinIsTerminal)
        let recorder = RoundRecorder.open(
            path: log.resolvedPath(environment: discovery.environment), source: source.description, via: via,
            spooled: !prompting && !continueLast && conversation == nil)
        let continued = try await continuedConversation(recorder)
        if prompting {
            let all = try await roster().specialists
            try TeamLoader.ensureMembers(all, source: source)
            // The prompt is one conversation (a new one, unless told which to continue).
            let status = try await prompt(
                access, roster: try plan.members(all), everyone: plan.everyone(all), plan: plan, options: options,
                teamName: plan.name(source: source), recorder: recorder, conversation: continued ?? Conversation())
            if status != ExitStatus.ok { throw ExitCode(status) }
            return
        }
        // Whether the rounds began (each then ends with a summary, interrupted or not).
        let roundsBegan = NIOLockedValueBox(false)
        let finished = await Interrupts.run { () async -> Int32 in
            do {
                let resolved = try await roster()
                try TeamLoader.ensureMembers(resolved.specialists, source: source)
                let team = try self.team(try plan.members(resolved.specialists))
                var printer = RoundPrinter(
                    access: access, options: options, json: json, breakers: !noBreaker, stream: stream,
                    recorder: recorder, conversation: continued)
                printer.synthesis = try synthesis.make(
                    roster: plan.everyone(resolved.specialists), options: options, team: plan.named)
                printer.teamName = plan.name(source: source)
                printer.namedTeam = plan.named
                printer.prices = try discovery.prices()
                if dryRun {
                    DryRun.print(
                        ChatRequest(message: text, stream: stream, requestID: requestID(1)), to: team,
                        conversation: continued, json: json)
                    return ExitStatus.ok
                }
                roundsBegan.withLockedValue { $0 = true }
                if text.isEmpty {
                    return await rounds(lines: PlainLineReader.lines(), team: team, printer: printer)
                }
                var renderer = printer.makeRenderer(for: team)
                var tracker = RoundStatusTracker()
                let request = TeamRequest.chat(ChatRequest(message: text, stream: stream, requestID: requestID(1)))
                guard let result = await printer.round(request, to: team, number: 1, message: nil, renderer: &renderer)
                else { return ExitStatus.interrupted }
                let summary = result.summary
                if case .tekton = source, summary.replied == 0, summary.failures[.refused] == summary.addressed {
                    Console.err("teamchat: " + TeamLoader.nobodyOnTektonPorts(team))
                } else if summary.replied == 0, resolved.origin == .fresh || resolved.origin == .stale,
                    source.isDiscovered
                {
                    // Everyone failed, and the team is a remembered one: perhaps it is not there any more.
                    Console.err("teamchat: the team came from the cache; if it has changed, probe it again with: "
                        + TeamLoader.rediscoverCommand(for: source))
                }
                tracker.add(result)
                return tracker.status
            } catch let exit as ExitCode {
                return exit.rawValue
            } catch {
                return ExitStatus.interrupted
            }
        }
        let (status, interrupted) = (finished.result, finished.interrupted)
        if interrupted, !roundsBegan.withLockedValue({ $0 }) {
            // Interrupted while the team was being found: no round ran, which is said as the rounds would say it.
            if json {
                RoundEventCodec.summary(RoundSummary(addressed: 0, quorum: 0), round: nil, interrupted: true).write()
            } else {
                Console.err("teamchat: interrupted while finding the team: nobody was asked")
            }
        }
        if interruptedReading { throw ExitCode(ExitStatus.interrupted) }
        if status != ExitStatus.ok { throw ExitCode(status) }
    }

    /// The addressed team: the roster narrowed by `--to` and `--exclude`.
    private func team(_ roster: [Specialist]) throws -> [Specialist] {
        let team = try TeamLoader.select(roster, to: to, exclude: exclude)
        if team.isEmpty {
            throw fail(ExitStatus.unavailable, "no specialist to ask")
        }
        if let quorum, quorum > team.count {
            throw fail(ExitStatus.usage, "--quorum \(quorum) is more than the \(team.count) specialists addressed")
        }
        TeamLoader.ensureDescriptors(for: team.count)
        return team
    }

    /// A round per non-empty line; returns the exit status over all of them.
    private func rounds(lines: AsyncStream<String>, team: [Specialist], printer: RoundPrinter) async -> Int32 {
        var renderer = printer.makeRenderer(for: team)
        var tracker = RoundStatusTracker()
        var number = 0
        for await line in lines {
            let text = line.trimmed
            if text.isEmpty { continue }
            let chat = ChatRequest(message: text, stream: stream, requestID: requestID(number + 1))
            do {
                try chat.validate()
            } catch {
                Console.err("teamchat: skipped a line: \(error.message)")
                tracker.skippedBadInput()
                continue
            }
            number += 1
            guard let result = await printer.round(.chat(chat), to: team, number: number, message: text, renderer: &renderer)
            else { return ExitStatus.interrupted }
            tracker.add(result)
        }
        return Task.isCancelled ? ExitStatus.interrupted : tracker.status
    }

    /// The interactive prompt.
    /// The message as given, then (as Unix tools do) standard input when it is not a terminal, then each `--file`,
    /// each after a blank line; `-` alone is standard input. Empty: no message (rounds from input lines, or the
    /// prompt).
    private func composedMessage() async throws -> String {
        let given = message.joined(separator: " ")
        guard !given.isEmpty else { return "" }
        var parts = given == "-" ? [] : [given]
        if given == "-" || (!interactive && !Console.stdinIsTerminal) {
            let input = try await StandardInput.readAll(limit: ChatRequest.maximumEncodedBytes)
            let text = Self.withoutFinalNewlines(String(decoding: input, as: UTF8.self))
            if !text.allSatisfy(\.isWhitespace) { parts.append(text) }
        }
        for path in file {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw fail(ExitStatus.noInput, "cannot read \(path)")
            }
            parts.append(Self.withoutFinalNewlines(String(decoding: data, as: UTF8.self)))
        }
        if parts.isEmpty { throw fail(ExitStatus.badInput, "the message is empty: standard input had nothing") }
        let composed = parts.joined(separator: "\n\n")
        do {
            try ChatRequest(message: composed).validate()
        } catch {
            throw fail(ExitStatus.badInput, error.message)
        }
        return composed
    }

    private static func withoutFinalNewlines(_ text: String) -> String {
        var text = text
        while text.last == "\n" || text.last == "\r\n" || text.last == "\r" { text.removeLast() }
        return text
    }

    /// The conversation `--continue` or `--conversation` names, with its rounds so far; nil when neither is given.
    private func continuedConversation(_ recorder: RoundRecorder?) async throws -> Conversation? {
        guard continueLast || conversation != nil else { return nil }
        guard let recorder, await recorder.isAvailable else {
            throw fail(ExitStatus.unavailable, "conversations are kept in the round log, which is off or cannot be opened")
        }
        let id: String
        if let conversation {
            id = conversation
        } else {
            guard let last = await recorder.lastConversation() else {
                throw fail(ExitStatus.unavailable, "no conversation to continue in \(recorder.path)")
            }
            id = last
        }
        let continued = Conversation(id: id, rounds: await recorder.conversation(id))
        continued.roundtable = roundtable
        let unshared = continued.share(SpecialistSelector.names(share))
        if !unshared.isEmpty {
            Warnings.warn("no answer of \(unshared.joined(separator: ", ")) in the conversation's last round to share")
        }
        return continued
    }

    private func prompt(
        _ access: TeamAccess, roster: [Specialist], everyone: [Specialist], plan: TeamPlan, options: RoundOptions,
        teamName: String, recorder: RoundRecorder?, conversation: Conversation
    ) async throws -> Int32 {
        let team = try TeamLoader.select(roster, to: to, exclude: exclude)
        if team.isEmpty { throw fail(ExitStatus.unavailable, "no specialist to ask") }
        TeamLoader.ensureDescriptors(for: roster.count)
        var prompt = InteractiveSession(
            access: access, roster: roster, options: options, stream: stream,
            breakers: !noBreaker, json: json, to: SpecialistSelector.names(to),
            exclude: SpecialistSelector.names(exclude), recorder: recorder, conversation: conversation,
            synthesis: try synthesis.make(roster: everyone, options: options, team: plan.named),
            synthesisOptions: synthesis.stageOptions(options, team: plan.named), everyone: everyone,
            teamName: teamName, namedTeam: plan.named, prices: try discovery.prices())
        let reader: any PromptReader
        if Console.stdinIsTerminal, Console.stdoutIsTerminal,
            let editor = LineEditor(
                historyPath: InteractiveSession.historyPath(environment: discovery.environment),
                ids: roster.map(\.id), environment: discovery.environment)
        {
            Console.err("teamchat: \(team.count) specialists; /help for commands, Ctrl-D to leave")
            reader = editor
        } else {
            if Console.stdinIsTerminal, Console.stdoutIsTerminal, !LineEditor.isAvailable {
                Console.err("teamchat: no line editing: libedit (libedit.so.2) is not installed; reading plain lines")
            }
            reader = PlainLineReader()
        }
        return await prompt.run(reader: reader)
    }

    /// `--async`: the round posted on the bus's stream for whoever the bus has (its registry now, and what this
    /// machine remembers of it: a bridge that is down is still expected, and answers when it comes back).
    private func postAsync() async throws {
        guard let url = discovery.busURL else { throw ExitCode(ExitStatus.usage) }
        let text = message.joined(separator: " ")
        let session = try discovery.makeSession(probe: budgets.options)
        let (round, expected) = try await session.withRunning { session -> (String, [String]) in
            let remembered = session.cachedTeam?.roster ?? []
            let live = (try? await TeamLoader.resolve(session).specialists) ?? []
            var everyone = live
            for specialist in remembered where !everyone.contains(where: { $0.id == specialist.id }) {
                everyone.append(specialist)
            }
            try TeamLoader.ensureMembers(everyone, source: session.source)
            let team = try self.team(everyone)
            let connection: RedisConnection
            do {
                connection = try await RedisConnection.connect(to: url)
            } catch {
                throw fail(ExitStatus.unavailable, "\(error)")
            }
            let round: String
            do {
                round = try await BusMailbox.post(
                    on: connection, team: url.team, message: text, expected: team.map(\.id),
                    timeout: budgets.timeout.duration, ttl: discovery.ttl.duration,
                    signer: BusCredentials.signer(environment: discovery.environment, bus: url))
            } catch {
                await connection.close()
                throw fail(ExitStatus.unavailable, "\(error)")
            }
            await connection.close()
            return (round, team.map(\.id))
        }
        if json {
            var line = JSONObjectWriter(type: "posted")
            line.add("round", round)
            line.add("expected", strings: expected)
            line.write()
        } else {
            Console.out(round)
            // Runnable as printed: the URL has no password, which comes from the environment.
            let password = url.password == nil ? "" : " (with \(BusCredentials.passwordVariable) set)"
            Console.err(
                "teamchat: posted for \(expected.count) specialists; gather the answers with: teamchat collect "
                    + "\(round) --bus \(url)\(password)")
        }
    }

    /// Streamed rounds carry an id a specialist may echo in its chunks.
    private func requestID(_ number: Int) -> String? {
        stream ? "teamchat-\(number)" : nil
    }
}
