import NIOConcurrencyHelpers

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
    public let clientConfiguration: TeamClient.Configuration

    public init(team: [Specialist], workload: Workload, clientConfiguration: TeamClient.Configuration = .init()) {
        self.team = team
        self.workload = workload
        self.clientConfiguration = clientConfiguration
    }

    /// Runs one mode. `progress` is called with the number of measured rounds done so far.
    public func run(_ mode: BenchMode, progress: @escaping @Sendable (Int) -> Void = { _ in }) async -> BenchRun {
        let pooled = mode == .pooled ? TeamClient(configuration: clientConfiguration) : nil
        defer { pooled?.shutdown() }
        for _ in 0..<workload.warmup {
            _ = await measure(round: -1, mode: mode, client: pooled, scheduled: .now, runStart: .now)
        }

        let runStart = ContinuousClock.now
        let next = NIOLockedValueBox(0)
        let results = NIOLockedValueBox<(rounds: [RoundSample], requests: [RequestSample])>(([], []))
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
                        let (round, requests) = await measure(
                            round: index, mode: mode, client: pooled, scheduled: scheduled, runStart: runStart)
                        let done = results.withLockedValue { results in
                            results.rounds.append(round)
                            results.requests.append(contentsOf: requests)
                            return results.rounds.count
                        }
                        progress(done)
                    }
                }
            }
        }
        let elapsed = runStart.duration(to: .now)
        let (rounds, requests) = results.withLockedValue { $0 }
        return BenchRun(
            mode: mode,
            elapsedMS: elapsed.milliseconds,
            rounds: rounds.sorted { $0.round < $1.round },
            requests: requests.sorted { ($0.round, $0.specialistID) < ($1.round, $1.specialistID) }
        )
    }

    /// When round `index` should start, or `nil` when the run is over.
    private func schedule(_ index: Int, runStart: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        if let rounds = workload.rounds, index >= rounds { return nil }
        let scheduled: ContinuousClock.Instant
        if let rate = workload.rate {
            scheduled = runStart.advanced(by: .nanoseconds(Int64(Double(index) / rate * 1e9)))
        } else {
            scheduled = .now
        }
        if let duration = workload.duration, runStart.duration(to: scheduled) >= duration { return nil }
        return scheduled
    }

    private func measure(
        round index: Int,
        mode: BenchMode,
        client pooled: TeamClient?,
        scheduled: ContinuousClock.Instant,
        runStart: ContinuousClock.Instant
    ) async -> (RoundSample, [RequestSample]) {
        let client = pooled ?? TeamClient(configuration: clientConfiguration)
        defer { if pooled == nil { client.shutdown() } }
        var options = workload.options
        options.finishAtQuorum = false
        let started = ContinuousClock.now
        let late = max(.zero, scheduled.duration(to: started))
        var requests: [RequestSample] = []
        var successes: [Double] = []
        var all = Duration.zero
        for await event in client.round(.chat(workload.message), to: team, options: options) {
            switch event {
            case .outcome(let outcome):
                let latency = outcome.elapsed.milliseconds
                if outcome.isSuccess { successes.append(latency) }
                requests.append(
                    RequestSample(
                        mode: mode, round: index, specialistID: outcome.specialist.id, success: outcome.isSuccess,
                        errorKind: outcome.error?.kind.rawValue, latencyMS: latency,
                        correctedMS: latency + late.milliseconds, connectMS: outcome.connect?.milliseconds,
                        reused: outcome.reused))
            case .finished(let summary):
                all = summary.elapsed
            case .chunk:
                break
            }
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
        return (round, requests)
    }
}
