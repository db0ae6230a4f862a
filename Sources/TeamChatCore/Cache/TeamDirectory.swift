/// Knows the team: resolves the roster for a source through the cache (fresh: used as is, no probe; stale: used
/// at once and refreshed in parallel; missing: discovered first), decides which specialists the breakers skip,
/// and records what rounds learned, merged into the cache under its lock.
public final class TeamDirectory: Sendable {
    public let source: RosterSource
    private let store: CacheStore?
    private let client: TeamClient
    private let probeOptions: RoundOptions
    private let ttl: Duration
    private let clock: any WallClock
    private let environment: [String: String]
    private let onProblem: @Sendable (CacheStore.Problem) -> Void

    /// - Parameters:
    ///   - store: the cache, or `nil` for `--no-cache` (nothing read or written, no breakers).
    ///   - onProblem: called for cache trouble; the caller warns (once) and carries on.
    public init(
        source: RosterSource,
        store: CacheStore?,
        client: TeamClient,
        probeOptions: RoundOptions,
        ttl: Duration,
        clock: any WallClock = SystemWallClock(),
        environment: [String: String],
        onProblem: @escaping @Sendable (CacheStore.Problem) -> Void
    ) {
        self.source = source
        self.store = store
        self.client = client
        self.probeOptions = probeOptions
        self.ttl = ttl
        self.clock = clock
        self.environment = environment
        self.onProblem = onProblem
    }

    /// The roster to use now, with what the cache knows about each specialist.
    public struct Resolution: Sendable {
        public var roster: [Specialist]
        /// Health by specialist id (empty without a cache).
        public var health: [String: SpecialistHealth]
        /// How the roster was obtained.
        public var origin: Origin
        /// A refresh running in parallel (stale cache); await it before exiting so that it is written back.
        public var refresh: Task<Void, Never>?
    }

    public enum Origin: String, Sendable {
        case fresh, stale, discovered, uncached
    }

    /// Finds the team. Throws ``RosterError`` for a bad roster file or environment.
    public func resolve() async throws(RosterError) -> Resolution {
        guard let store else {
            return Resolution(roster: try await membership(), health: [:], origin: .uncached)
        }
        let cached: SpecialistCache?
        switch store.load() {
        case .missing: cached = nil
        case .cache(let cache): cached = cache.source == source.description ? cache : nil
        case .unusable(let problem):
            onProblem(problem)
            cached = nil
        }
        guard let cached else {
            let probes = try await discover()
            return Resolution(
                roster: probes.roster, health: probes.health, origin: .discovered)
        }
        let roster = try overlay(cached)
        let health = Dictionary(cached.specialists.map { ($0.id, $0.health) }, uniquingKeysWith: { a, _ in a })
        if cached.isFresh(now: clock.now) {
            return Resolution(roster: roster, health: health, origin: .fresh)
        }
        let refresh = Task { _ = try? await self.discover() }
        return Resolution(roster: roster, health: health, origin: .stale, refresh: refresh)
    }

    /// Probes the team now (parallel ping, then info), writes the roster and what the probes learned to the cache,
    /// and returns the probes with the resulting roster and health.
    @discardableResult
    public func discover() async throws(RosterError) -> (probes: [Discovery.Probe], roster: [Specialist], health: [String: SpecialistHealth]) {
        let probes: [Discovery.Probe]
        switch source {
        case .scan(let range):
            probes = await Discovery.scanProbes(range, client: client, options: probeOptions)
        case .file, .tekton:
            probes = await Discovery.probe(try candidates(), client: client, options: probeOptions)
        }
        let roster = probes.map(\.specialist)
        var health: [String: SpecialistHealth] = [:]
        if let store {
            let now = clock.now
            let outcomes = probes.map(\.outcome)
            var written: SpecialistCache?
            let problem = store.update { current in
                var cache =
                    current ?? SpecialistCache(source: source.description, discoveredAt: now, ttl: ttl, specialists: [])
                if cache.source != source.description { cache.specialists = [] }
                cache.replaceRoster(roster, source: source.description, at: now, ttl: ttl)
                cache.record(outcomes, now: now, movesBreaker: false, jitter: Self.jitter)
                written = cache
                return cache
            }
            if let problem { onProblem(problem) }
            if let written {
                health = Dictionary(written.specialists.map { ($0.id, $0.health) }, uniquingKeysWith: { a, _ in a })
            }
        }
        return (probes, roster, health)
    }

    /// Adds what a round learned to the cache (merged with whatever other processes wrote meanwhile) and returns
    /// the health as it now stands. `movesBreaker` is false for probes (warm): only chat rounds trip breakers.
    @discardableResult
    public func record(_ outcomes: [SpecialistOutcome], movesBreaker: Bool = true) -> [String: SpecialistHealth] {
        guard let store, !outcomes.isEmpty else { return [:] }
        let now = clock.now
        var health: [String: SpecialistHealth] = [:]
        let problem = store.update { current in
            guard var cache = current, cache.source == source.description else { return nil }
            cache.record(outcomes, now: now, movesBreaker: movesBreaker, jitter: Self.jitter)
            health = Dictionary(cache.specialists.map { ($0.id, $0.health) }, uniquingKeysWith: { a, _ in a })
            return cache
        }
        if let problem { onProblem(problem) }
        return health
    }

    /// Clears every specialist's health, keeping the roster.
    public func resetHealth() {
        guard let store else { return }
        let problem = store.update { current in
            guard var cache = current else { return nil }
            for index in cache.specialists.indices { cache.specialists[index].health = SpecialistHealth() }
            return cache
        }
        if let problem { onProblem(problem) }
    }

    /// What the cache holds now, if anything usable.
    public func cached() -> SpecialistCache? {
        guard let store else { return nil }
        switch store.load() {
        case .cache(let cache): return cache
        case .missing: return nil
        case .unusable(let problem):
            onProblem(problem)
            return nil
        }
    }

    /// Which specialists the breakers skip now, as outcomes to report: `skipped: circuit open for 4.2s more`.
    /// When every one is open, none is skipped: never skip the whole team.
    public func skips(for team: [Specialist], health: [String: SpecialistHealth]) -> [Int: ExchangeError] {
        let now = clock.now
        var skips: [Int: ExchangeError] = [:]
        for (index, specialist) in team.enumerated() {
            guard var breaker = health[specialist.id]?.breaker,
                case .skip(let remaining) = breaker.decide(now: now)
            else { continue }
            skips[index] = ExchangeError(.breakerOpen, "skipped: circuit open for \(remaining.secondsText) more")
        }
        return skips.count == team.count ? [:] : skips
    }

    // MARK: Membership

    /// Who is on the team by declaration: the file's or the preset's roster (a scan has no declared members).
    private func candidates() throws(RosterError) -> [Specialist] {
        switch source {
        case .file(let path): return try RosterFile.load(path: path)
        case .tekton: return try TektonPreset.roster(environment: environment)
        case .scan: return []
        }
    }

    /// The roster without a cache: a scan probes, the others are read.
    private func membership() async throws(RosterError) -> [Specialist] {
        switch source {
        case .scan(let range): return await Discovery.scan(range, client: client, options: probeOptions)
        case .file, .tekton: return try candidates()
        }
    }

    /// The cached roster, with the file's or preset's current membership winning for those sources (a roster file
    /// edited since is honoured at once); what `info` said is kept.
    private func overlay(_ cache: SpecialistCache) throws(RosterError) -> [Specialist] {
        switch source {
        case .scan: return cache.roster
        case .file, .tekton:
            return try candidates().map { candidate in
                guard let known = cache.specialists.first(where: { $0.id == candidate.id })?.specialist else {
                    return candidate
                }
                var specialist = candidate
                specialist.model = candidate.model ?? known.model
                specialist.component = candidate.component ?? known.component
                specialist.description = candidate.description ?? known.description
                return specialist
            }
        }
    }

    /// ±20 % around the open period.
    private static func jitter() -> Double { Double.random(in: 0.8...1.2) }
}
