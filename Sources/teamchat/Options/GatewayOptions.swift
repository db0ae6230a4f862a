import ArgumentParser
import TeamChatGateway
import TeamChatModel
import TeamChatRoster
import TeamChatSession

/// Whether a command may use a running `teamchat serve` (DESIGN §7).
struct GatewayOptions: ParsableArguments {
    @Flag(name: .long, help: "Do not use a running 'teamchat serve': connect to the specialists from this process.")
    var direct = false

    /// The gateway serving `session`'s team, with that team, when one runs here; `nil` (at once, silently) when
    /// `--direct`, when no gateway listens, or when it serves another team.
    func connect(for session: TeamSession) async -> (GatewayLink, SpecialistCache.Team)? {
        await connect(to: session.source, environment: session.configuration.environment)
    }

    /// How long a gateway has to answer its first question before the command goes direct: a gateway whose
    /// socket still accepts but whose process is stopped (SIGSTOP) must not hold a command.
    static let firstAnswerLimit = Duration.milliseconds(200)

    /// The gateway serving the team `source` names, with that team, when one runs here; `nil` as above. Needs no
    /// session: a command whose team is named on its command line asks the gateway before it makes one. A socket
    /// that is not safely the user's own is not used (once said), nor a gateway that does not answer in time.
    func connect(to source: RosterSource, environment: [String: String]) async -> (GatewayLink, SpecialistCache.Team)? {
        guard !direct, let path = ControlSocket.defaultPath(environment: environment), ControlSocket.exists(path)
        else { return nil }
        if let problem = ControlSocket.untrusted(path) {
            Warnings.warn("not using the gateway's control socket: \(problem)")
            return nil
        }
        guard let client = await GatewayClient.connect(path: path) else { return nil }
        let team: SpecialistCache.Team?
        do {
            team = try await client.team(source: source.description, within: Self.firstAnswerLimit)
        } catch {
            await client.close()
            if error.unanswered { Warnings.warn("the gateway on \(path) \(error.message); going direct") }
            return nil
        }
        guard let team else {
            await client.close()
            return nil
        }
        return (GatewayLink(path: path, client: client), team)
    }
}
