import NIOPosix
import TeamChatEngine
import TeamChatFleet
import TeamChatModel
import TeamChatOpenAI
import TeamChatTekton

/// Starts a fleet, runs `body` with it and a round engine over a fresh Tekton transport, and tears both down
/// whatever happens.
func withFleet<Result>(
    _ configurations: [SimulatedSpecialistConfiguration],
    pool: ConnectionPoolConfiguration = .init(),
    tls: FleetTLS? = nil,
    caFile: String? = nil,
    _ body: (Fleet, RoundEngine) async throws -> Result
) async throws -> Result {
    let fleet = try await Fleet.start(configurations, tls: tls)
    let engine = RoundEngine(transports: [
        TektonTransport.make(TektonProtocol(configuration: pool)),
        OpenAITransport(OpenAIProtocol(maximumConnections: pool.maximumConnections, caFile: caFile)),
    ])
    do {
        let result = try await body(fleet, engine)
        await engine.shutdown()
        await fleet.stop()
        return result
    } catch {
        await engine.shutdown()
        await fleet.stop()
        throw error
    }
}

/// A healthy team of `count` instant specialists, with the given misbehaviours by position.
func team(
    _ count: Int,
    wire: SimulatedProtocol = .tekton,
    misbehaving: [Int: Misbehaviour] = [:],
    lateDelay: Duration = .seconds(3)
) -> [SimulatedSpecialistConfiguration] {
    SimulatedSpecialistConfiguration.team(count: count, wire: wire).enumerated().map { index, configuration in
        var configuration = configuration
        configuration.misbehaviour = misbehaving[index]
        configuration.lateDelay = lateDelay
        configuration.hugeReplyBytes = 256 * 1024
        return configuration
    }
}

extension Array where Element == SpecialistOutcome {
    /// The outcome of the specialist with this id.
    subscript(id id: String) -> SpecialistOutcome? {
        first { $0.specialistID == id }
    }
}
