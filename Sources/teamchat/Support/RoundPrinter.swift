import TeamChatCore

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

    /// Runs one round, rendering as events arrive. Returns `nil` when the round was interrupted.
    func round(
        _ request: TeamRequest,
        to team: [Specialist],
        number: Int,
        message: String?,
        renderer: inout any RoundRenderer
    ) async -> RoundSummary? {
        renderer.begin(round: number, message: message)
        var partial = RoundSummary(addressed: team.count, quorum: min(options.quorum ?? team.count, team.count))
        let started = ContinuousClock.now
        let events = await access.round(request, to: team, options: options, breakers: breakers)
        for await event in events ?? RoundEvents(batches: AsyncStream { $0.finish() }) {
            if case .finished(let summary) = event {
                // Cancellation ends the round with the exchanges in flight reported as cancelled: that is an
                // interruption, not a result.
                if Task.isCancelled { break }
                renderer.render(event)
                return summary
            }
            renderer.render(event)
            if case .outcome(let outcome) = event { partial.add(outcome) }
        }
        partial.elapsed = started.duration(to: .now)
        renderer.interrupted(partial)
        return nil
    }

    func makeRenderer(for team: [Specialist]) -> any RoundRenderer {
        guard !json else { return JSONRoundRenderer(via: access.via) }
        let terminal = Console.stdoutIsTerminal
        return HumanRoundRenderer(
            ids: team.map(\.id), style: .detect(terminal: terminal), live: stream && terminal,
            width: Console.terminalWidth ?? 80)
    }
}
