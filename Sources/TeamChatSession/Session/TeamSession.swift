import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import TeamChatEngine
import TeamChatModel
import TeamChatRoster

/// One team, and everything needed to talk to it: what every front end (`send`, the prompt, `warm`, `stats`,
/// `bench`, the gateway) uses.
///
/// A session resolves its roster source (a flag, the environment, the source used last, the Tekton preset),
/// finds the team through the cache (fresh: used as is; stale: used at once and refreshed in the background;
/// missing: probed first), runs rounds through the transports it was given, keeps every specialist's health and
/// breaker in memory (``health``), and persists what it learned to the cache, merged with whatever other processes
/// wrote meanwhile. Background work (the refresh of a stale roster, periodic persistence) belongs to ``run()``;
/// ``withRunning(_:)`` runs a session for the length of a command and shuts it down, waiting for what it started.
public final class TeamSession: Service, Sendable {
    /// How a session is set up.
    public struct Configuration: Sendable {
        /// The roster source; `nil` means the source used last, else the Tekton preset.
        public var source: RosterSource?
        /// The cache, or `nil` for `--no-cache`: nothing is read or written.
        public var store: CacheStore?
        /// How long a discovered roster stays fresh.
        public var ttl: Duration
        /// The budgets of discovery probes.
        public var probeOptions: RoundOptions
        /// Where `TEKTON_AI_PORT_BASE` and friends come from.
        public var environment: [String: String]
        /// How often ``run()`` writes health to the cache (a long-lived session); `nil`: only at the end.
        public var persistInterval: Duration?
        /// Only look at the cache: never move an unusable file aside, never write (`stats`, completion).
        public var readOnly: Bool
        public var clock: any WallClock
        /// Hears discoveries, refreshes and breaker transitions; silent unless the process configured logging (the
        /// CLI sends it nowhere; `serve` and `bridge` to standard error at `--log-level`).
        public var logger: Logger

        public init(
            source: RosterSource?,
            store: CacheStore?,
            ttl: Duration = .seconds(60),
            probeOptions: RoundOptions = RoundOptions(),
            environment: [String: String] = [:],
            persistInterval: Duration? = nil,
            readOnly: Bool = false,
            clock: any WallClock = SystemWallClock(),
            logger: Logger = Logger(label: "teamchat.session")
        ) {
            self.source = source
            self.store = store
            self.ttl = ttl
            self.probeOptions = probeOptions
            self.environment = environment
            self.persistInterval = persistInterval
            self.readOnly = readOnly
            self.clock = clock
            self.logger = logger
        }
    }

    /// Why this source was chosen.
    public enum SourceChoice: Sendable, Hashable {
        /// A flag or environment variable named it.
        case given
        /// No source was named: the one used last, remembered in the cache.
        case lastUsed
        /// No source was named and none was used before: the Tekton preset.
        case preset
    }

    private enum Job: Sendable {
        case refresh
    }

    private struct State {
        /// The cached team of this source, as last read or written.
        var team: SpecialistCache.Team?
        /// The team as last resolved, for persisting health of specialists the cache does not list yet.
        var roster: [Specialist] = []
        var refreshing = false
        var closed = false
    }

    public let configuration: Configuration
    public let source: RosterSource
    public let sourceChoice: SourceChoice
    /// Every specialist's health and breaker, shared by all rounds of the session.
    public let health: HealthBook
    /// The transports, and the rounds run over them.
    public let engine: RoundEngine
    private let warn: @Sendable (String) -> Void
    private let jobs: AsyncStream<Job>
    private let jobQueue: AsyncStream<Job>.Continuation
    private let state: NIOLockedValueBox<State>

    /// Reads the cache (to learn the source used last and the team's health) and sets the session up; nothing is
    /// probed or connected yet.
    ///
    /// - Parameters:
    ///   - transports: one per transport kind the team may use.
    ///   - warn: hears what people should know (cache trouble, our own limits); the caller warns once and carries on.
    public init(
        configuration: Configuration,
        transports: [any SpecialistTransport],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        warn: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.engine = RoundEngine(transports: transports, eventLoopGroup: eventLoopGroup)
        self.warn = warn
        (jobs, jobQueue) = AsyncStream.makeStream(of: Job.self)

        var cache: SpecialistCache?
        if let store = configuration.store {
            switch store.load(readOnly: configuration.readOnly) {
            case .missing: break
            case .cache(let loaded): cache = loaded
            case .unusable(let problem): warn(problem.description)
            }
        }
        if let given = configuration.source {
            (source, sourceChoice) = (given, .given)
        } else if let name = cache?.lastSource, let last = RosterSource(name: name) {
            (source, sourceChoice) = (last, .lastUsed)
        } else {
            (source, sourceChoice) = (.tekton, .preset)
        }
        let team = cache?.team(source.description)
        health = HealthBook(health: team?.health ?? [:], clock: configuration.clock, logger: configuration.logger)
        state = NIOLockedValueBox(State(team: team))
    }

    // MARK: Lifecycle

    /// Runs a session for the length of `body`: its background work runs meanwhile, and afterwards the session
    /// waits for that work, persists what it learned and closes its connections.
    public func withRunning<Value, Failure: Error>(
        _ body: (TeamSession) async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        async let background: Void = run()
        let outcome: Result<Value, Failure>
        do {
            outcome = .success(try await body(self))
        } catch {
            outcome = .failure(error)
        }
        stop()
        await background
        await close()
        return try outcome.get()
    }

    /// Does the session's background work (refreshing a stale roster; persisting health every
    /// ``Configuration/persistInterval``) until ``stop()`` (or, in a service group, its graceful shutdown); returns
    /// once the work in hand is done. ``close()`` follows.
    public func run() async {
        await withGracefulShutdownHandler {
            await runBackgroundWork()
        } onGracefulShutdown: {
            self.stop()
        }
    }

    private func runBackgroundWork() async {
        await withTaskGroup(of: Void.self) { group in
            for transport in engine.transports.values {
                guard let running = transport.running else { continue }
                group.addTask { await running.run() }
            }
            if let interval = configuration.persistInterval {
                group.addTask {
                    while (try? await Task.sleep(for: interval)) != nil { await self.persistOffTheCooperativePool() }
                }
            }
            for await job in jobs {
                switch job {
                case .refresh:
                    _ = try? await discover()
                    state.withLockedValue { $0.refreshing = false }
                }
            }
            group.cancelAll()
        }
    }

    /// Ends ``run()`` once the background work in hand is done; no new work is started.
    public func stop() {
        state.withLockedValue { $0.closed = true }
        jobQueue.finish()
    }

    /// Closes every connection and persists health (after ``stop()`` and the end of ``run()``).
    public func close() async {
        // The connections close on their event loops while the cache is written here: a one-shot `send` waited for
        // one, then the other. When a round left no descriptor free for the cache file, the connections go first.
        // Descriptors are counted (in /proc/self/fd, which the kernel builds for each reading: 1% of a one-shot
        // `send`) only when the connections held could have used up the limit.
        let held = engine.statistics
        let mayBeFull = held.open + held.connecting + DescriptorLimit.reserve >= DescriptorLimit.current
        guard !mayBeFull || DescriptorLimit.available > 2 else {
            await engine.shutdown()
            persist()
            return
        }
        async let closed: Void = engine.shutdown()
        await persistOffTheCooperativePool()
        await closed
    }

    /// ``persist()`` off the cooperative pool (``offTheCooperativePool(_:)``).
    public func persistOffTheCooperativePool() async {
        await Self.offTheCooperativePool { self.persist() }
    }

    /// Runs `work` on NIO's thread pool: writing the cache waits for its lock (up to a second, polled) and for the
    /// disk, which must never hold one of the few threads every task of the process shares.
    static func offTheCooperativePool(_ work: @escaping @Sendable () -> Void) async {
        do {
            try await NIOThreadPool.singleton.runIfActive(work)
        } catch {
            work()  // the pool is shutting down (never the case for the singleton): write here rather than lose it
        }
    }

    /// Writes what the session learned to the cache, merged with what other processes wrote meanwhile.
    public func persist() {
        guard let store = configuration.store, !configuration.readOnly else { return }
        let changes = health.takeChanges()
        let roster = state.withLockedValue { $0.roster }
        guard !changes.isEmpty else { return }
        let now = configuration.clock.now
        var written: SpecialistCache.Team?
        let problem = store.update { cache in
            cache.updateTeam(source.description, now: now, ttl: configuration.ttl) { team in
                team.apply(changes, roster: roster)
                written = team
            }
        }
        if let problem { warn(problem.description) }
        if let written { state.withLockedValue { $0.team = written } }
    }

    // MARK: The team

    /// The team now: from the cache when it has it (refreshing it in the background when stale), else probed now.
    public func roster() async throws(RosterError) -> TeamRoster {
        guard configuration.store != nil else {
            let specialists: [Specialist]
            if source.hasDeclaredMembers {
                specialists = try candidates()
            } else {
                specialists = try await discover().roster
            }
            remember(specialists)
            return TeamRoster(specialists: specialists, origin: .uncached)
        }
        let cached = state.withLockedValue { $0.team }
        guard let cached, cached.discoveredAt != nil || !cached.specialists.isEmpty else {
            let report = try await discover()
            return TeamRoster(specialists: report.roster, origin: .discovered)
        }
        let specialists = try overlay(cached)
        remember(specialists)
        if cached.isFresh(now: configuration.clock.now) {
            return TeamRoster(specialists: specialists, origin: .fresh)
        }
        requestRefresh()
        return TeamRoster(specialists: specialists, origin: .stale)
    }

    /// What the cache holds for this session's source, as last read or written.
    public var cachedTeam: SpecialistCache.Team? {
        state.withLockedValue { $0.team }
    }

    /// Probes the team now (in parallel), writes the roster and what the probes learned to the cache, and reports.
    /// A discovery in which nobody answered, or that was cut short, is written but never as fresh. `progress` hears
    /// how many candidates have been probed, of how many.
    public func discover(
        progress: @escaping @Sendable (_ probed: Int, _ of: Int) -> Void = { _, _ in }
    ) async throws(RosterError) -> DiscoveryReport {
        let started = ContinuousClock.now
        let candidates: [Specialist]
        switch source {
        case .file, .tekton:
            candidates = try self.candidates()
        case .scan(let range):
            candidates = range.ports.map { port in
                let endpoint = SpecialistAddress.tekton(host: range.host, port: port)
                return Specialist(id: endpoint.description, address: endpoint)
            }
        case .openAI, .bus:
            return try await catalogue(started: started)
        }
        var options = configuration.probeOptions
        options.quorum = nil
        options.finishAtQuorum = false
        // A probe needs a descriptor: raise the soft limit as far as allowed, and probe in batches that fit in what
        // is left (live specialists keep their connection open in the pool), so no live specialist is lost to our
        // own limits.
        let needed = DescriptorLimit.needed(forSpecialists: candidates.count)
        if case .insufficient(_, let hard) = DescriptorLimit.ensure(needed) {
            warn(DescriptorLimit.warning(specialists: candidates.count, needed: needed, hardLimit: hard))
        }
        var outcomes: [SpecialistOutcome?] = Array(repeating: nil, count: candidates.count)
        var interrupted = false
        var next = 0
        let probed = NIOLockedValueBox(0)
        while next < candidates.count, !Task.isCancelled {
            let room = DescriptorLimit.available
            guard room > 0 else { break }
            let batch = Array(candidates[next..<min(next + room, candidates.count)])
            // Outcomes are recorded below, under the names the probes found. An interruption still returns what
            // answered before it (the rest as cancelled).
            let offset = next
            let (found, summary) = await engine.collect(
                .probe, to: batch, options: options, health: nil,
                progress: { _ in progress(probed.withLockedValue { $0 += 1; return $0 }, candidates.count) })
            for outcome in found where batch.indices.contains(outcome.index) { outcomes[offset + outcome.index] = outcome }
            interrupted = interrupted || summary.failures[.cancelled, default: 0] > 0
            next += batch.count
        }
        interrupted = interrupted || Task.isCancelled
        let limited = outcomes.contains(nil) || outcomes.contains { $0?.error?.kind == .localResource }
        var probes = zip(candidates, outcomes).compactMap { candidate, outcome in
            outcome.map { DiscoveryReport.Probe(specialist: Self.described(candidate, by: $0.reply), outcome: $0) }
        }
        // Declared members stay members, probed or not (a probe cut short by our own limits says nothing of them).
        let declared = zip(candidates, outcomes).map { candidate, outcome in
            Self.described(candidate, by: outcome?.reply)
        }
        if case .scan = source {
            probes = probes.filter(\.isAlive)
            Self.nameScanned(&probes)
        }
        for probe in probes {
            var outcome = probe.outcome
            outcome.specialistID = probe.specialist.id
            health.record(outcome, movesBreaker: false)
        }
        let roster = source.hasDeclaredMembers ? declared : probes.filter(\.isAlive).map(\.specialist)
        let alive = probes.contains(where: \.isAlive)
        let incomplete: String? =
            if interrupted {
                "probing was interrupted"
            } else if limited {
                "teamchat ran out of file descriptors before every candidate was probed"
            } else if !alive {
                "nobody answered"
            } else {
                nil
            }
        await Self.offTheCooperativePool { self.store(roster, complete: incomplete == nil) }
        let elapsed = started.duration(to: .now)
        configuration.logger.info(
            "team discovered",
            metadata: [
                "source": "\(source)", "candidates": "\(candidates.count)", "alive": "\(roster.count)",
                "elapsed_ms": "\(elapsed.milliseconds)", "incomplete": "\(incomplete ?? "no")",
            ])
        return DiscoveryReport(
            probes: probes, roster: roster, complete: incomplete == nil, incompleteBecause: incomplete,
            elapsed: elapsed)
    }

    // MARK: Rounds

    /// Sends `request` to every specialist of `team` at once and reports chunks and outcomes as they arrive, then
    /// a summary, recording every outcome in ``health``. Ending the iteration early (or cancelling the consuming
    /// task) abandons what is still running.
    ///
    /// - Parameter breakers: whether open circuit breakers skip specialists (`--no-breaker` turns it off).
    public func round(
        _ request: TeamRequest,
        to team: [Specialist],
        options: RoundOptions,
        breakers: Bool = true
    ) -> RoundEvents {
        engine.round(request, to: team, options: options, health: health, breakers: breakers)
    }

    /// Starts a round whose events go to `deliver` (see ``RoundEngine/start(_:to:options:health:breakers:deliver:)``),
    /// recording every outcome in ``health``.
    public func start(
        _ request: TeamRequest,
        to team: [Specialist],
        options: RoundOptions,
        breakers: Bool = true,
        deliver: @escaping @Sendable ([RoundEvent]) -> Void
    ) -> RoundHandle {
        engine.start(request, to: team, options: options, health: health, breakers: breakers, deliver: deliver)
    }

    /// Opens up to `connections` connections to each specialist of `team` ahead of use, all at once.
    public func prewarm(_ team: [Specialist], connections: Int, connectTimeout: Duration) async -> [PrewarmResult] {
        await engine.prewarm(team, connections: connections, connectTimeout: connectTimeout)
    }

    // MARK: Helpers

    private func remember(_ roster: [Specialist]) {
        state.withLockedValue { $0.roster = roster }
    }

    private func requestRefresh() {
        let start = state.withLockedValue { state -> Bool in
            guard !state.refreshing, !state.closed else { return false }
            state.refreshing = true
            return true
        }
        if start { jobQueue.yield(.refresh) }
    }

    /// Clears every specialist's health in the cache (`stats --reset`), keeping the roster; the write runs off the
    /// cooperative pool, as every cache write does.
    public func resetHealth() async {
        await Self.offTheCooperativePool { self.resetHealthNow() }
    }

    private func resetHealthNow() {
        guard let store = configuration.store else { return }
        _ = health.takeChanges()  // whatever this session saw is forgotten too
        let problem = store.update { cache in
            guard let index = cache.teams.firstIndex(where: { $0.source == source.description }) else { return }
            for entry in cache.teams[index].specialists.indices {
                cache.teams[index].specialists[entry].health = SpecialistHealth()
            }
        }
        if let problem { warn(problem.description) }
    }

    /// Writes a discovered roster (with the health the probes added) to the cache.
    private func store(_ roster: [Specialist], complete: Bool) {
        remember(roster)
        guard let store = configuration.store, !configuration.readOnly else { return }
        let now = configuration.clock.now
        let changes = health.takeChanges()
        var written: SpecialistCache.Team?
        let problem = store.update { cache in
            cache.updateTeam(source.description, now: now, ttl: configuration.ttl) { team in
                team.replaceRoster(roster, discoveredAt: complete ? now : nil, ttl: configuration.ttl)
                team.apply(changes, roster: roster)
                written = team
            }
        }
        if let problem { warn(problem.description) }
        // Also when the write failed: this process then knows the roster without probing again.
        let known =
            written
            ?? SpecialistCache.Team(
                source: source.description, discoveredAt: complete ? now : nil, ttl: configuration.ttl, usedAt: now,
                specialists: roster.map { SpecialistCache.Entry($0) })
        state.withLockedValue { $0.team = known }
    }

    /// Discovery of a source a transport lists itself (an OpenAI-compatible API's models): the listing is the probe.
    private func catalogue(started: ContinuousClock.Instant) async throws(RosterError) -> DiscoveryReport {
        var listed: Result<[Specialist], ExchangeError>?
        for transport in engine.transports.values {
            guard let catalog = transport as? any TeamCatalog else { continue }
            listed = await catalog.members(of: source, options: configuration.probeOptions)
            if listed != nil { break }
        }
        let elapsed = started.duration(to: .now)
        let members: [Specialist]
        switch listed {
        case nil:
            if case .bus(let name) = source {
                throw RosterError(.badSetting, "the team is on the bus \(name): name it with --bus (a bus's password is never remembered)")
            }
            throw RosterError(.badSetting, "no transport in this session can list \(source)")
        case .failure(let error):
            // Nothing is stored: the team the cache knows stays as it was (the list may be back in a moment).
            throw RosterError(error.kind == .authentication ? .unauthorized : .unreachable, error.message)
        case .success(let found):
            members = found
        }
        let probes = members.enumerated().map { index, specialist in
            DiscoveryReport.Probe(
                specialist: specialist,
                outcome: SpecialistOutcome(
                    index: index, specialistID: specialist.id,
                    result: .success(.info(SpecialistInfo(id: specialist.id, model: specialist.model))),
                    elapsed: elapsed))
        }
        let incomplete: String? = Task.isCancelled ? "probing was interrupted" : members.isEmpty ? "nobody answered" : nil
        await Self.offTheCooperativePool { self.store(members, complete: incomplete == nil) }
        return DiscoveryReport(
            probes: probes, roster: members, complete: incomplete == nil, incompleteBecause: incomplete,
            elapsed: elapsed)
    }

    /// Who is on the team by declaration: the roster file's or the preset's members.
    private func candidates() throws(RosterError) -> [Specialist] {
        switch source {
        case .file(let path): try RosterFile.load(path: path, warn: warn)
        case .tekton: try TektonPreset.roster(environment: configuration.environment)
        case .scan, .openAI, .bus: []
        }
    }

    /// The cached roster, with the file's or preset's current membership winning for those sources (a roster file
    /// edited since is honoured at once); what the specialists said about themselves is kept.
    private func overlay(_ team: SpecialistCache.Team) throws(RosterError) -> [Specialist] {
        guard source.hasDeclaredMembers else { return team.roster }
        return try candidates().map { candidate in
            guard let known = team.specialists.first(where: { $0.id == candidate.id })?.specialist else {
                return candidate
            }
            var specialist = candidate
            specialist.model = candidate.model ?? known.model
            specialist.component = candidate.component ?? known.component
            specialist.description = candidate.description ?? known.description
            return specialist
        }
    }

    /// `specialist` with what its probe said about it.
    private static func described(_ specialist: Specialist, by reply: SpecialistReply?) -> Specialist {
        guard case .info(let info)? = reply else { return specialist }
        var specialist = specialist
        specialist.model = info.model ?? specialist.model
        specialist.component = info.component ?? specialist.component
        specialist.description = info.description ?? specialist.description
        return specialist
    }

    /// A scanned specialist is named by the id it gives itself, unless it gives none or another took it first;
    /// then by its endpoint.
    private static func nameScanned(_ probes: inout [DiscoveryReport.Probe]) {
        var seen = Set<String>()
        for index in probes.indices {
            guard case .info(let info)? = probes[index].outcome.reply, let id = info.id, !id.isEmpty,
                !id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }), seen.insert(id).inserted
            else { continue }
            probes[index].specialist.id = id
        }
    }
}
