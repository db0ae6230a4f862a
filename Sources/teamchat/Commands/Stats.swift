import ArgumentParser
import TeamChatCore

/// `teamchat stats`: what the cache knows.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the cache knows: roster, age, and each specialist's health, latency and circuit state."
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @Flag(name: .long, help: "Print NDJSON: a 'cache' object, then a 'specialist_stats' object per specialist.")
    var json = false

    @Flag(name: .long, help: "Clear every specialist's health (counts, latencies, breakers), keeping the roster.")
    var reset = false

    func validate() throws {
        if discovery.noCache { throw ValidationError("stats reads the cache: --no-cache makes no sense here") }
    }

    func run() async throws {
        let client = discovery.makeClient()
        defer { client.shutdown() }
        let directory = try discovery.makeDirectory(client: client, probe: RoundOptions())
        guard let cache = directory.cached(), cache.source == directory.source.description else {
            throw fail(ExitStatus.unavailable, "the cache holds nothing for \(directory.source) yet: run 'teamchat discover'")
        }
        if reset {
            directory.resetHealth()
            Console.err("teamchat: health cleared for \(cache.specialists.count) specialists")
            return
        }
        let now = SystemWallClock().now
        if json {
            let age = cache.discoveredAt.duration(to: now)
            var line = JSONLine(type: "cache")
            line.add("source", cache.source)
            line.add("schema_version", cache.schemaVersion)
            line.add("discovered_at", cache.discoveredAt.secondsSince1970)
            line.add("age_s", Formatting.milliseconds(age) / 1_000)
            line.add("ttl_s", cache.ttlSeconds)
            line.add("fresh", cache.isFresh(now: now))
            line.add("specialists", cache.specialists.count)
            line.write()
            for entry in cache.specialists {
                let health = entry.health
                var line = JSONLine(type: "specialist_stats")
                line.add("specialist_id", entry.id)
                line.add("host", entry.specialist.host)
                line.add("port", entry.specialist.port)
                line.add("model", entry.specialist.model)
                line.add("requests", health.requests)
                line.add("successes", health.successes)
                line.add("success_rate", health.successRate)
                line.add("p50_ms", health.latencyPercentile(50))
                line.add("p95_ms", health.latencyPercentile(95))
                line.add("consecutive_failures", health.consecutiveFailures)
                line.add("failures", counts: health.failures)
                line.add("last_error", health.lastError)
                line.add("last_error_kind", health.lastErrorKind)
                line.add("circuit", Self.circuit(health.breaker, now: now))
                line.write()
            }
            return
        }
        Self.humanLines(cache, now: now, style: .detect(terminal: Console.stdoutIsTerminal)).forEach(Console.out)
    }

    /// The human report: a header line, then a table row per specialist.
    static func humanLines(_ cache: SpecialistCache, now: WallTime, style: Style) -> [String] {
        let age = cache.discoveredAt.duration(to: now)
        let freshness = cache.isFresh(now: now) ? "fresh" : "stale"
        let header = style.bold(
            "\(cache.source) · \(cache.specialists.count) specialists · discovered \(Formatting.fixed(age.seconds, 1))s ago · "
                + "TTL \(Int(cache.ttlSeconds))s (\(freshness))")
        var table = Table(
            "SPECIALIST", "ENDPOINT", "REQUESTS", "OK", "P50", "P95", "CIRCUIT", "LAST ERROR", rightAligned: [2, 3, 4, 5])
        for entry in cache.specialists {
            let health = entry.health
            table.add(
                TerminalSanitizer.sanitize(entry.id),
                entry.specialist.endpoint.description,
                String(health.requests),
                health.successRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "-",
                health.latencyPercentile(50).map { Formatting.latency(.microseconds(Int64($0 * 1_000))) } ?? "-",
                health.latencyPercentile(95).map { Formatting.latency(.microseconds(Int64($0 * 1_000))) } ?? "-",
                Self.circuit(health.breaker, now: now),
                health.lastError.map(TerminalSanitizer.sanitize) ?? "-"
            )
        }
        return [header] + table.lines(header: style.bold)
    }

    /// `closed`, `closed (2 failures)`, `open 4.2s more`, `half-open`.
    static func circuit(_ breaker: CircuitBreaker, now: WallTime) -> String {
        switch breaker.state {
        case .closed(let failures): failures == 0 ? "closed" : "closed (\(failures) failure\(failures == 1 ? "" : "s"))"
        case .open(let until): now < until ? "open \(now.duration(to: until).secondsText) more" : "half-open"
        case .halfOpen: "half-open"
        }
    }
}
