import TeamChatJSON
import TeamChatModel
import TeamChatRoster

/// `GET /api/team-chat/sockets`: the roster with each specialist's health and breaker state.
/// `{"source":"…","discovered_at":…,"sockets":[{"socket_id":"apollo-ai","transport":"tekton","endpoint":"…",
/// "model":"…","healthy":true,"circuit":"closed","requests":12,"successes":12,"consecutive_failures":0,
/// "p50_ms":0.4,"p95_ms":0.9,"last_error":null}],"prices":{"gpt-x":{"prompt":2.5,"completion":10}}}` — the prices
/// of the teams file (dollars per million tokens), by which the page prices the tokens servers report — and the
/// gateway's `round_defaults` (`timeout`, `deadline`, `quorum`), which the page's controls start from.
enum SocketsDocument {
    static func make(
        _ team: SpecialistCache.Team, now: WallTime, prices: [String: ModelPrice] = [:], defaults: RoundOptions? = nil
    ) -> JSONObjectWriter {
        var document = JSONObjectWriter()
        document.add("source", team.source)
        document.add("discovered_at", team.discoveredAt?.iso8601)
        document.add("fresh", team.isFresh(now: now))
        document.add("sockets", objects: team.specialists.map { entry in
            let health = entry.health
            var socket = JSONObjectWriter()
            socket.add("socket_id", entry.id)
            socket.add("transport", entry.specialist.address.transport.name)
            socket.add("endpoint", entry.specialist.address.description)
            socket.add("model", entry.specialist.model)
            let circuit: String
            switch health.breaker.state {
            case .closed: circuit = "closed"
            case .open(let until): circuit = until > now ? "open" : "half_open"
            case .halfOpen: circuit = "half_open"
            }
            socket.add("healthy", circuit == "closed" && health.consecutiveFailures == 0)
            socket.add("circuit", circuit)
            if case .open(let until) = health.breaker.state, until > now { socket.add("open_until", until.iso8601) }
            socket.add("requests", health.requests)
            socket.add("successes", health.successes)
            socket.add("consecutive_failures", health.consecutiveFailures)
            socket.add("p50_ms", health.latencyPercentile(50))
            socket.add("p95_ms", health.latencyPercentile(95))
            socket.add("last_error", health.lastError)
            socket.add("last_error_kind", health.lastErrorKind)
            return socket
        })
        var priced = JSONObjectWriter()
        for (model, price) in prices.sorted(by: { $0.key < $1.key }) {
            var entry = JSONObjectWriter()
            entry.add("prompt", price.promptPerMillion)
            entry.add("completion", price.completionPerMillion)
            priced.add(model, object: entry)
        }
        document.add("prices", object: priced)
        if let defaults {
            // What a round that names none gets: the page's controls start from these.
            var round = JSONObjectWriter()
            round.add("timeout", defaults.timeout.seconds)
            round.add("deadline", defaults.deadline?.seconds)
            round.add("quorum", defaults.quorum)
            document.add("round_defaults", object: round)
        }
        return document
    }
}
