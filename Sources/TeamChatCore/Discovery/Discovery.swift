/// Finds out who is on a team: parallel `ping` to every candidate, then `info` to those that answered.
public enum Discovery {
    /// What probing one specialist found.
    public struct Probe: Sendable {
        /// The specialist, with model, component and description filled in from `info` when it answered.
        public var specialist: Specialist
        /// The ping's round trip (connect included on a cold connection), or why it failed.
        public var ping: Result<Duration, ExchangeError>
        /// The full outcome of the ping, for health bookkeeping.
        public var outcome: SpecialistOutcome

        public var isAlive: Bool {
            if case .success = ping { true } else { false }
        }
    }

    /// Probes every candidate in parallel. Each probe is bounded by the connect timeout and the reply timeout.
    public static func probe(
        _ candidates: [Specialist],
        client: TeamClient,
        options: RoundOptions
    ) async -> [Probe] {
        var options = options
        options.quorum = nil
        options.finishAtQuorum = false
        let (pings, _) = await client.collect(.ping, to: candidates, options: options)
        var probes = pings.sorted { $0.index < $1.index }.map { outcome in
            Probe(
                specialist: outcome.specialist,
                ping: outcome.result.map { _ in outcome.elapsed },
                outcome: outcome
            )
        }
        let alive = probes.indices.filter { probes[$0].isAlive }
        let (infos, _) = await client.collect(.info, to: alive.map { probes[$0].specialist }, options: options)
        for info in infos {
            guard case .success(.info(let details)) = info.result else { continue }
            let position = alive[info.index]
            probes[position].specialist.model = details.modelName ?? probes[position].specialist.model
            probes[position].specialist.component = details.component ?? probes[position].specialist.component
            probes[position].specialist.description = details.description ?? probes[position].specialist.description
            if let aiID = details.aiID, !aiID.isEmpty, probes[position].specialist.id.hasPrefix("scan:") {
                probes[position].specialist.id = aiID
            }
        }
        return probes
    }

    /// Probes every port of `range` and returns the specialists that answered, named by their `ai_id` (or
    /// `host:port` when they give none, or when two give the same one).
    public static func scan(_ range: ScanRange, client: TeamClient, options: RoundOptions) async -> [Specialist] {
        await scanProbes(range, client: client, options: options).map(\.specialist)
    }

    /// The probes of a scan's live ports, named as ``scan(_:client:options:)`` names them.
    public static func scanProbes(_ range: ScanRange, client: TeamClient, options: RoundOptions) async -> [Probe] {
        let candidates = range.ports.map { port in
            Specialist(id: "scan:\(Endpoint(host: range.host, port: port))", host: range.host, port: port)
        }
        var alive = await probe(candidates, client: client, options: options).filter(\.isAlive)
        var seen = Set<String>()
        for index in alive.indices {
            if alive[index].specialist.id.hasPrefix("scan:") || !seen.insert(alive[index].specialist.id).inserted {
                alive[index].specialist.id = alive[index].specialist.endpoint.description
            }
            alive[index].outcome.specialist = alive[index].specialist
        }
        return alive
    }
}
