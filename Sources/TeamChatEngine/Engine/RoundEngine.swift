import NIOCore
import NIOPosix
import TeamChatModel

/// Runs rounds over a set of transports: the part of a session that sends. ``TeamSession`` adds the roster, the
/// cache and background work; benchmarks use an engine on its own.
public struct RoundEngine: Sendable {
    /// By kind, the transports that reach specialists.
    public let transports: [TransportKind: any SpecialistTransport]
    private let eventLoopGroup: any EventLoopGroup

    public init(
        transports: [any SpecialistTransport],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.transports = Dictionary(transports.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.eventLoopGroup = eventLoopGroup
    }

    /// Sends `request` to every specialist of `team` at once and reports chunks and outcomes as they arrive, then a
    /// summary. Ending the iteration early (or cancelling the consuming task) abandons what is still running.
    ///
    /// - Parameters:
    ///   - health: where breakers are consulted (chat rounds only, unless `breakers` is false) and outcomes are
    ///     recorded; `nil`: nowhere.
    public func round(
        _ request: TeamRequest,
        to team: [Specialist],
        options: RoundOptions = RoundOptions(),
        health: HealthBook? = nil,
        breakers: Bool = true
    ) -> RoundEvents {
        let (stream, continuation) = AsyncStream.makeStream(of: [RoundEvent].self)
        let runner = makeRunner(
            request, to: team, options: options, health: health, breakers: breakers,
            output: RoundOutput(deliver: { continuation.yield($0) }, finish: { continuation.finish() }))
        continuation.onTermination = { _ in runner.cancelFromTermination() }
        runner.start()
        return RoundEvents(batches: stream)
    }

    /// Starts a round whose events go to `deliver` rather than to a stream: for servers that write them out from
    /// event-loop callbacks, with no task per round. Batches come in order, from whichever thread produced them,
    /// while the round holds its lock: `deliver` must not block or call back into the round (hopping to an event
    /// loop is what it is for). The last batch ends with the summary.
    ///
    /// - Returns: the handle that cancels the round.
    public func start(
        _ request: TeamRequest,
        to team: [Specialist],
        options: RoundOptions = RoundOptions(),
        health: HealthBook? = nil,
        breakers: Bool = true,
        deliver: @escaping @Sendable ([RoundEvent]) -> Void
    ) -> RoundHandle {
        let runner = makeRunner(
            request, to: team, options: options, health: health, breakers: breakers,
            output: RoundOutput(deliver: deliver, finish: {}))
        runner.start()
        return RoundHandle(runner)
    }

    private func makeRunner(
        _ request: TeamRequest,
        to team: [Specialist],
        options: RoundOptions,
        health: HealthBook?,
        breakers: Bool,
        output: RoundOutput
    ) -> RoundRunner {
        let isChat: Bool = if case .chat = request { true } else { false }
        let admissions =
            if let health, breakers, isChat {
                health.admit(team.map(\.id))
            } else {
                [Admission](repeating: .allow, count: team.count)
            }
        return RoundRunner(
            specialists: team,
            transports: team.map { transports[$0.address.transport] },
            request: request,
            options: options,
            admissions: admissions,
            health: health,
            movesBreaker: isChat,
            eventLoop: eventLoopGroup.next(),
            output: output
        )
    }

    /// Runs a round and collects its outcomes (in arrival order) and summary. The round hands them over once, with
    /// its summary, and the collecting task is woken once (``RoundCollector``); cancelling the task cancels the round,
    /// and the outcomes that came before it are still returned (the rest as cancelled).
    ///
    /// - Parameter progress: hears each outcome as it arrives (from the round's thread; it must not block); the
    ///   round then hands its batches over as they come rather than all at once.
    public func collect(
        _ request: TeamRequest,
        to team: [Specialist],
        options: RoundOptions = RoundOptions(),
        health: HealthBook? = nil,
        breakers: Bool = true,
        progress: (@Sendable (SpecialistOutcome) -> Void)? = nil
    ) async -> (outcomes: [SpecialistOutcome], summary: RoundSummary) {
        let collector = RoundCollector(expected: team.count, progress: progress)
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                collector.wait(continuation)
                let runner = makeRunner(
                    request, to: team, options: options, health: health, breakers: breakers,
                    output: RoundOutput(deliver: collector.deliver, finish: {}, asTheyCome: progress != nil))
                runner.start()
                collector.started(RoundHandle(runner))
            }
        } onCancel: {
            collector.cancel()
        }
    }

    /// Opens up to `connections` connections to each specialist of `team` ahead of use, all at once.
    public func prewarm(_ team: [Specialist], connections: Int, connectTimeout: Duration) async -> [PrewarmResult] {
        await withTaskGroup(of: (Int, PrewarmResult).self) { group in
            for (index, specialist) in team.enumerated() {
                group.addTask {
                    guard let transport = transports[specialist.address.transport] else {
                        let error = ExchangeError(.localResource, "no \(specialist.address.transport) transport")
                        return (index, PrewarmResult(connectDurations: [], alreadyOpen: 0, error: error))
                    }
                    let result = await transport.prewarm(
                        specialist, connections: connections, connectTimeout: connectTimeout)
                    return (index, result)
                }
            }
            var results = [PrewarmResult](
                repeating: PrewarmResult(connectDurations: [], alreadyOpen: 0, error: nil), count: team.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    /// What the transports hold now, summed.
    public var statistics: TransportStatistics {
        transports.values.reduce(TransportStatistics()) { $0 + $1.statistics }
    }

    /// What the transports hold for one specialist.
    public func statistics(for specialist: Specialist) -> TransportStatistics {
        transports[specialist.address.transport]?.statistics(for: specialist) ?? TransportStatistics()
    }

    /// Closes every connection of every transport.
    public func shutdown() async {
        for transport in transports.values { await transport.shutdown() }
    }
}
