import TeamChatJSON
import TeamChatLog
import TeamChatModel
import TeamChatRoster

/// What `stats` (and the prompt's `/stats`) shows: the team's source, how fresh its roster is, and each
/// specialist's health, latency and circuit.
struct StatsReport {
    let source: String
    /// The cached team, for its age and TTL, when the cache has it.
    let team: SpecialistCache.Team?
    let roster: [Specialist]
    let health: [String: SpecialistHealth]
    let now: WallTime
    /// The tokens the round log holds per specialist (and model), and the prices of the teams file.
    var usage: [SpecialistUsage] = []
    var prices: [String: ModelPrice] = [:]

    /// From the cache alone.
    init(team: SpecialistCache.Team, now: WallTime) {
        self.init(source: team.source, team: team, roster: team.roster, health: team.health, now: now)
    }

    init(source: String, team: SpecialistCache.Team?, roster: [Specialist], health: [String: SpecialistHealth], now: WallTime) {
        self.source = source
        self.team = team
        self.roster = roster
        self.health = health
        self.now = now
    }

    /// A header line, then a table row per specialist.
    func humanLines(style: Style) -> [String] {
        var header = "\(TerminalSanitizer.sanitizeLine(source)) · \(roster.count) specialists"
        if let team {
            if let discoveredAt = team.discoveredAt {
                let age = discoveredAt.duration(to: now)
                header += " · discovered \(Formatting.fixed(age.seconds, 1))s ago"
            } else {
                header += " · never completely discovered"
            }
            header += " · TTL \(Int(team.ttlSeconds))s (\(team.isFresh(now: now) ? "fresh" : "stale"))"
        }
        var headers = ["SPECIALIST", "ENDPOINT", "REQUESTS", "OK", "P50", "P95"]
        if !usage.isEmpty { headers += ["TOKENS IN/OUT", "COST"] }
        var table = Table(headers + ["CIRCUIT", "LAST ERROR"], rightAligned: Set(2..<headers.count))
        for specialist in roster {
            let health = self.health[specialist.id] ?? SpecialistHealth()
            var cells = [
                specialist.id,
                specialist.address.description,
                String(health.requests),
                health.successRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "-",
                health.latencyPercentile(50).map(Self.millis) ?? "-",
                health.latencyPercentile(95).map(Self.millis) ?? "-",
            ]
            if !usage.isEmpty {
                let spent = spending(of: specialist.id)
                cells.append(spent.tokens.map { "\($0.promptTokens)/\($0.completionTokens)" } ?? "-")
                cells.append(spent.tokens == nil ? "-" : spent.cost.words == "cost —" ? "—" : spent.cost.words)
            }
            table.add(cells + [Self.circuit(health.breaker, now: now), health.lastError ?? "-"])
        }
        return [style.bold(header)] + table.lines(header: style.bold)
    }

    /// A `cache` object, then a `specialist_stats` object per specialist.
    func jsonLines() -> [JSONObjectWriter] {
        var line = JSONObjectWriter(type: "cache")
        line.add("source", source)
        line.add("schema_version", SpecialistCache.schemaVersion)
        if let team {
            line.add("discovered_at", team.discoveredAt?.secondsSince1970)
            if let discoveredAt = team.discoveredAt {
                line.add("age_s", Formatting.milliseconds(discoveredAt.duration(to: now)) / 1_000)
            }
            line.add("ttl_s", team.ttlSeconds)
            line.add("fresh", team.isFresh(now: now))
        }
        line.add("specialists", roster.count)
        var lines = [line]
        for specialist in roster {
            let health = self.health[specialist.id] ?? SpecialistHealth()
            var line = JSONObjectWriter(type: "specialist_stats")
            line.add("specialist_id", specialist.id)
            line.add("transport", specialist.address.transport.name)
            line.add("endpoint", specialist.address.description)
            if case .tekton(let host, let port) = specialist.address {
                line.add("host", host)
                line.add("port", port)
            }
            line.add("model", specialist.model)
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
            let spent = spending(of: specialist.id)
            if let tokens = spent.tokens {
                line.add("prompt_tokens", tokens.promptTokens)
                line.add("completion_tokens", tokens.completionTokens)
                line.add("cost_usd", spent.cost.dollars)
                if spent.cost.dollars != nil, spent.cost.unpriced > 0 { line.add("cost_partial", true) }
            }
            lines.append(line)
        }
        return lines
    }

    /// A specialist's tokens in the round log (nil when it never reported any) and their cost where priced.
    private func spending(of id: String) -> (tokens: TokenUsage?, cost: CostTally) {
        var cost = CostTally(prices: prices)
        var tokens: TokenUsage?
        for entry in usage where entry.specialist == id {
            tokens = (tokens ?? .zero) + entry.usage
            cost.add(model: entry.model, usage: entry.usage)
        }
        return (tokens, cost)
    }

    private static func millis(_ value: Double) -> String {
        Formatting.latency(Duration(checkedSeconds: value / 1_000) ?? .zero)
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
