import ArgumentParser
import TeamChatEngine
import TeamChatSession
import TeamChatGateway

/// Whether a command may use a running `teamchat serve` (DESIGN §7).
struct GatewayOptions: ParsableArguments {
    @Flag(name: .long, help: "Do not use a running 'teamchat serve': connect to the specialists from this process.")
    var direct = false

    /// The gateway serving `session`'s team, with that team, when one runs here; `nil` (at once, silently) when
    /// `--direct`, when no gateway listens, or when it serves another team.
    func connect(for session: TeamSession) async -> (GatewayLink, SpecialistCache.Team)? {
        await connect(to: session.source, environment: session.configuration.environment)
    }

    /// The gateway serving the team `source` names, with that team, when one runs here; `nil` as above. Needs no
    /// session: a command whose team is named on its command line asks the gateway before it makes one.
    func connect(to source: RosterSource, environment: [String: String]) async -> (GatewayLink, SpecialistCache.Team)? {
        guard !direct, let path = ControlSocket.defaultPath(environment: environment),
            let client = await GatewayClient.connect(path: path)
        else { return nil }
        guard let team = try? await client.team(source: source.description) else {
            await client.close()
            return nil
        }
        return (GatewayLink(path: path, client: client), team)
    }
}
