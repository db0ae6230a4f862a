import TeamChatJudge
import TeamChatLog
import TeamChatModel
import TeamChatRoster

/// Runs rounds (through this process's session or a gateway) and renders each event the moment it arrives: what
/// `send`, its stdin rounds and the prompt share.
struct RoundPrinter: Sendable {
    let access: TeamAccess
    let options: RoundOptions
    let json: Bool
    /// Whether open breakers skip specialists.
    let breakers: Bool
    /// Whether answers are streamed (shown live on a terminal).
    var stream = false
    /// Where each round is logged, if anywhere.
    var recorder: RoundRecorder?
    /// The conversation the rounds continue; nil: each round is a conversation of its own.
    var conversation: Conversation?
    /// The judge or council that brings each round's answers together (DESIGN §10); nil: every answer, no more.
    var synthesis: Synthesis?
    /// How the summary line names the team (`team design`, `roster team.json`).
    var teamName: String?
    /// The named team whose members' own timeouts apply, if any.
    var namedTeam: NamedTeam?
    /// Prices per model (`teams.json`'s `"prices"`), for the round's cost.
    var prices: [String: ModelPrice] = [:]

    /// Runs one round, rendering as events arrive, then its synthesis when one was asked for. Returns `nil` when
    /// the round was interrupted.
    func round(
        _ request: TeamRequest,
        to team: [Specialist],
        number: Int,
        message: String?,
        renderer: inout any RoundRenderer
    ) async -> RoundResult? {
        let startedAt = SystemWallClock().now.secondsSince1970
        var request = request
        if let conversation, case .chat(var chat) = request {
            chat.threads = conversation.threads(for: team)
            request = .chat(chat)
        }
        var outcomes: [SpecialistOutcome] = []
        let (summary, interrupted) = await run(
            request, to: team, number: number, message: message, renderer: &renderer, outcomes: &outcomes)
        var verdict: JudgeVerdict?
        if let synthesis, !interrupted, !Task.isCancelled, case .chat(let chat) = request {
            verdict = await synthesize(synthesis, question: chat.message, team: team, outcomes: outcomes, renderer: &renderer)
        }
        if case .chat(let chat) = request, recorder != nil || conversation != nil {
            var round = LoggedRound(
                conversation: conversation?.id ?? Conversation.newID(), startedAt: startedAt,
                source: recorder?.source ?? "", via: recorder?.via ?? "", message: chat.message, summary: summary,
                outcomes: outcomes, interrupted: interrupted)
            if let verdict, let answer = LoggedRound.Answer(verdict) { round.answers.append(answer) }
            conversation?.append(round)
            await recorder?.record(round)
        }
        return interrupted ? nil : RoundResult(summary: summary, verdict: verdict)
    }

    /// The judge (or the council, then the judge) over this round's answers, each of its events rendered as it
    /// arrives; its exchanges go the way the round went (this process, or the gateway).
    private func synthesize(
        _ synthesis: Synthesis, question: String, team: [Specialist], outcomes: [SpecialistOutcome],
        renderer: inout any RoundRenderer
    ) async -> JudgeVerdict {
        var generator = SystemRandomNumberGenerator()
        let answers = Synthesis.answers(outcomes, shuffledBy: &generator)
        let (access, breakers) = (self.access, self.breakers)
        return await synthesis.run(
            question: question, team: team, outcomes: outcomes, answers: answers,
            ask: { request, judge, options in await access.round(request, to: [judge], options: options, breakers: breakers) }
        ) { event in
            renderer.synthesis(event, answers: answers)
        }
    }

    private func run(
        _ request: TeamRequest,
        to team: [Specialist],
        number: Int,
        message: String?,
        renderer: inout any RoundRenderer,
        outcomes: inout [SpecialistOutcome]
    ) async -> (summary: RoundSummary, interrupted: Bool) {
        renderer.begin(round: number, message: message)
        var partial = RoundSummary(addressed: team.count, quorum: min(options.quorum ?? team.count, team.count))
        let started = ContinuousClock.now
        var options = self.options
        if let namedTeam { options.memberTimeouts = namedTeam.memberTimeouts(of: team) }
        let events = await access.round(request, to: team, options: options, breakers: breakers)
            ?? RoundEvents(batches: AsyncStream { $0.finish() })
        guard renderer.wantsTicks else {
            events: for await event in events {
                switch Self.take(event, renderer: &renderer, partial: &partial, outcomes: &outcomes) {
                case .more: continue
                case .finished(let summary): return (summary, false)
                case .interrupted: break events
                }
            }
            return Self.interrupted(partial, since: started, renderer: &renderer)
        }
        // With a status line: the round's events and a tick every 100 ms, merged, all rendered here in turn.
        let (steps, step) = AsyncStream.makeStream(of: RoundStep.self)
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { step.yield(.event(event)) }
                step.finish()
            }
            group.addTask {
                while (try? await Task.sleep(for: .milliseconds(100))) != nil { step.yield(.tick) }
            }
            defer { group.cancelAll() }
            steps: for await next in steps {
                switch next {
                case .tick:
                    renderer.tick(elapsed: started.duration(to: .now))
                case .event(let event):
                    switch Self.take(event, renderer: &renderer, partial: &partial, outcomes: &outcomes) {
                    case .more: continue
                    case .finished(let summary): return (summary, false)
                    case .interrupted: break steps
                    }
                }
            }
            return Self.interrupted(partial, since: started, renderer: &renderer)
        }
    }

    private enum RoundStep: Sendable {
        case event(RoundEvent)
        case tick
    }

    private enum Taken {
        case more
        case finished(RoundSummary)
        case interrupted
    }

    /// Renders one event, counting outcomes in `partial`; says whether the round goes on, ended, or was
    /// interrupted (cancellation ends the round with the exchanges in flight reported as cancelled: that is an
    /// interruption, not a result).
    private static func take(
        _ event: RoundEvent, renderer: inout any RoundRenderer, partial: inout RoundSummary,
        outcomes: inout [SpecialistOutcome]
    ) -> Taken {
        if case .finished(let summary) = event {
            if Task.isCancelled { return .interrupted }
            renderer.render(event)
            return .finished(summary)
        }
        renderer.render(event)
        if case .outcome(let outcome) = event {
            partial.add(outcome)
            outcomes.append(outcome)
        }
        return .more
    }

    /// Reports an interrupted round: what arrived so far, which is what the round log keeps of it too.
    private static func interrupted(
        _ partial: RoundSummary, since started: ContinuousClock.Instant, renderer: inout any RoundRenderer
    ) -> (summary: RoundSummary, interrupted: Bool) {
        var partial = partial
        partial.elapsed = started.duration(to: .now)
        renderer.interrupted(partial)
        return (partial, true)
    }

    func makeRenderer(for team: [Specialist]) -> any RoundRenderer {
        guard !json else { return JSONRoundRenderer(via: access.via, prices: prices) }
        let terminal = Console.stdoutIsTerminal
        return HumanRoundRenderer(
            ids: team.map(\.id), style: .detect(terminal: terminal), live: stream && terminal,
            width: Console.terminalWidth ?? 80, waiting: ProgressLine(), timeout: options.timeout,
            wrapWidth: terminal ? Console.terminalWidth : nil, teamName: teamName, prices: prices)
    }
}
