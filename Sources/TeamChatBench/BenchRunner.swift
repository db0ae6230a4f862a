import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatEngine
import TeamChatModel

/// Runs a benchmark workload against a team: rounds closed-loop (as fast as `concurrency` allows) or open-loop
/// (`rate` rounds per second on a schedule), pooled or cold, and records every round and request.
public struct BenchRunner: Sendable {
    /// What to run.
    public struct Workload: Sendable {
        /// Measured rounds, or `nil` to run for `duration`.
        public var rounds: Int?
        public var duration: Duration?
        /// Rounds run first and left out of the results.
        public var warmup: Int
        /// Rounds in flight at once.
        public var concurrency: Int
        /// Rounds started per second on a fixed schedule (open loop), or `nil` (closed loop).
        public var rate: Double?
        public var message: String
        public var options: RoundOptions
        /// The k of "time to the k-th answer".
        public var quorum: Int

        public init(
            rounds: Int?, duration: Duration?, warmup: Int, concurrency: Int, rate: Double?, message: String,
            options: RoundOptions, quorum: Int
        ) {
            self.rounds = rounds
            self.duration = duration
            self.warmup = warmup
            self.concurrency = concurrency
            self.rate = rate
            self.message = message
            self.options = options
            self.quorum = quorum
        }
    }

    public let team: [Specialist]
    public let workload: Workload
    /// Makes the transports of one engine: once for a pooled run, once per round for a cold one.
    public let makeTransports: @Sendable () -> [any SpecialistTransport]
    /// Runs the rounds of `gateway` mode elsewhere (a running gateway), when set.
    public let driver: (any BenchRoundDriver)?
    /// Where the engines run their rounds, and the rounds are consumed.
    public let eventLoopGroup: any EventLoopGroup

    public init(
        team: [Specialist], workload: Workload, driver: (any BenchRoundDriver)? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        makeTransports: @escaping @Sendable () -> [any SpecialistTransport]
    ) {
        self.team = team
        self.workload = workload
        self.driver = driver
        self.eventLoopGroup = eventLoopGroup
        self.makeTransports = makeTransports
    }

    /// Runs one mode. `progress` is called with the number of measured rounds done so far.
    ///
    /// The rounds are consumed on an event loop of the group: with a group of one loop (a client process), a round
    /// goes from its first write to its consumer's next round without leaving that thread.
    public func run(_ mode: BenchMode, progress: @escaping @Sendable (Int) -> Void = { _ in }) async -> BenchRun {
        await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoopGroup.next())) {
            await run(mode, consumedOnLoop: progress)
        }
    }

    private func run(_ mode: BenchMode, consumedOnLoop progress: @escaping @Sendable (Int) -> Void) async -> BenchRun {
        let pooled = mode != .cold ? RoundEngine(transports: makeTransports(), eventLoopGroup: eventLoopGroup) : nil
        // Transports with work of their own (the bus's connection and reply reader) run beside the mode.
        let running = pooled.map { $0.transports.values.compactMap(\.running) } ?? []
        guard !running.isEmpty else { return await measured(mode, pooled: pooled, progress: progress) }
        return await withTaskGroup(of: BenchRun?.self) { group in
            for transport in running { group.addTask { await transport.run(); return nil } }
            group.addTask { await self.measured(mode, pooled: pooled, progress: progress) }
            var result: BenchRun?
            while let next = await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                }
            }
            guard let result else { preconditionFailure("the measured run always finishes") }
            return result
        }
    }

    private func measured(
        _ mode: BenchMode, pooled: RoundEngine?, progress: @escaping @Sendable (Int) -> Void
    ) async -> BenchRun {
        for _ in 0..<workload.warmup {
            _ = await measure(round: -1, mode: mode, engine: pooled, scheduled: .now, runStart: .now)
        }
        let openedBefore = pooled.map { engine in team.map { engine.statistics(for: $0).opened } }

        let runStart = ContinuousClock.now
        let next = NIOLockedValueBox(0)
        let results = NIOLockedValueBox<(rounds: [RoundSample], requests: [RequestSample], opened: [String: Int])>(
            ([], [], [:]))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, workload.concurrency) {
                group.addTask {
                    while true {
                        let index = next.withLockedValue { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        guard let scheduled = schedule(index, runStart: runStart) else { return }
                        if scheduled > .now { try? await Task.sleep(until: scheduled, clock: .continuous) }
                        if Task.isCancelled { return }
                        let (round, requests, opened) = await measure(
                            round: index, mode: mode, engine: pooled, scheduled: scheduled, runStart: runStart)
                        let done = results.withLockedValue { results in
                            results.rounds.append(round)
                            results.requests.append(contentsOf: requests)
                            for (id, count) in opened { results.opened[id, default: 0] += count }
                            return results.rounds.count
                        }
                        progress(done)
                    }
                }
            }
        }
        let elapsed = runStart.duration(to: .now)
        var (rounds, requests, opened) = results.withLockedValue { $0 }
        if let pooled, let openedBefore {
            // Every connection the run opened, also those whose exchanges failed or timed out.
            for (specialist, before) in zip(team, openedBefore) {
                opened[specialist.id] = pooled.statistics(for: specialist).opened - before
            }
            await pooled.shutdown()
        }
        return BenchRun(
            mode: mode,
            elapsedMS: elapsed.milliseconds,
            rounds: rounds.sorted { $0.round < $1.round },
            requests: requests.sorted { ($0.round, $0.specialistID) < ($1.round, $1.specialistID) },
            connectionsOpened: opened
        )
    }

    /// When round `index` should start, or `nil` when the run is over.
    private func schedule(_ index: Int, runStart: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        if let rounds = workload.rounds, index >= rounds { return nil }
        let scheduled: ContinuousClock.Instant
        if let rate = workload.rate {
            guard let offset = Duration(checkedSeconds: Double(index) / rate) else { return nil }
            scheduled = runStart.advanced(by: offset)
        } else {
            scheduled = .now
        }
        if let duration = workload.duration {
            // Over at the duration by the clock too: a schedule the client cannot keep up with must not stretch
            // the run (the report then says the rate was not reached).
            if runStart.duration(to: scheduled) >= duration || runStart.duration(to: .now) >= duration { return nil }
        }
        return scheduled
    }

    private func measure(
        round index: Int,
        mode: BenchMode,
        engine pooled: RoundEngine?,
        scheduled: ContinuousClock.Instant,
        runStart: ContinuousClock.Instant
    ) async -> (RoundSample, [RequestSample], opened: [String: Int]) {
        let engine = pooled ?? RoundEngine(transports: makeTransports(), eventLoopGroup: eventLoopGroup)
        var options = workload.options
        options.finishAtQuorum = false
        let started = ContinuousClock.now
        let late = max(.zero, scheduled.duration(to: started))
        let outcomes: [SpecialistOutcome]
        let all: Duration
        if mode == .gateway, let driver {
            // The round as the gateway's client sees it: from sending the request to reading the whole answer.
            var answered = await driver.round(index < 0 ? workload.message : "\(workload.message) #\(index)", options: options)
            all = started.duration(to: .now)
            for position in answered.indices where answered[position].isSuccess {
                // An answer that is not to this round's message (for specialists that echo, as the fleet does) is
                // a mixed answer: counted as a failure of its own kind.
                if index >= 0, let content = answered[position].answer?.content,
                    content.contains(workload.message), !content.hasSuffix("#\(index)")
                {
                    answered[position].result = .failure(ExchangeError(.protocolError, "mixed: answer to another round"))
                }
            }
            outcomes = answered
        } else {
            // Collected as `warm` collects a round: the task wakes once, when the round is over, rather than for
            // each batch of answers while it runs.
            let (collected, summary) = await engine.collect(.chat(workload.message), to: team, options: options)
            outcomes = collected
            all = summary.elapsed
        }
        var requests: [RequestSample] = []
        requests.reserveCapacity(outcomes.count)
        var successes: [Double] = []
        successes.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            let latency = outcome.elapsed.milliseconds
            if outcome.isSuccess { successes.append(latency) }
            var request = RequestSample(
                mode: mode, round: index, specialistID: outcome.specialistID, success: outcome.isSuccess,
                errorKind: outcome.error?.kind.rawValue, latencyMS: latency,
                correctedMS: latency + late.milliseconds, connectMS: outcome.connect?.milliseconds,
                reused: outcome.reused)
            request.firstByteMS = outcome.firstByte?.milliseconds
            request.model = outcome.answer?.model
            if let usage = outcome.answer?.usage {
                request.promptTokens = usage.promptTokens
                request.completionTokens = usage.completionTokens
            }
            requests.append(request)
        }
        successes.sort()
        let k = min(workload.quorum, team.count)
        let round = RoundSample(
            mode: mode, round: index,
            scheduledMS: runStart.duration(to: scheduled).milliseconds,
            startedMS: runStart.duration(to: started).milliseconds,
            allMS: all.milliseconds,
            firstMS: successes.first,
            quorumMS: k > 0 && successes.count >= k ? successes[k - 1] : nil,
            replied: successes.count, addressed: team.count)
        var opened: [String: Int] = [:]
        if pooled == nil {
            for specialist in team { opened[specialist.id] = engine.statistics(for: specialist).opened }
            await engine.shutdown()
        }
        return (round, requests, opened)
    }
}

/// Runs one benchmark round somewhere other than this process's engine (a running gateway): the outcomes the
/// round had. The runner times it from the outside.
public protocol BenchRoundDriver: Sendable {
    func round(_ message: String, options: RoundOptions) async -> [SpecialistOutcome]
}
