import TeamChatGateway
import TeamChatModel
import TeamChatSession

/// Where a command's rounds run: this process's own session, or a running `teamchat serve` that serves the same
/// team (through its control socket, over its warm connections). Output and exit statuses are the same either
/// way; only `--json` summaries say `"via":"gateway"`.
enum TeamAccess: Sendable {
    case session(TeamSession)
    case gateway(GatewayLink, source: String)

    /// Who ran the rounds, for `--json` summaries.
    var via: String? {
        if case .gateway = self { "gateway" } else { nil }
    }

    /// Runs one round; `nil` when the gateway refused it or went away (said on standard error).
    func round(
        _ request: TeamRequest, to team: [Specialist], options: RoundOptions, breakers: Bool
    ) async -> RoundEvents? {
        switch self {
        case .session(let session):
            return session.round(request, to: team, options: options, breakers: breakers)
        case .gateway(let link, _):
            guard let client = await link.client() else {
                Console.err("teamchat: the gateway on \(link.path) went away")
                return nil
            }
            var round = GatewayRoundRequest(message: nil)
            if case .chat(let chat) = request {
                round.message = chat.message
                round.stream = chat.stream
                round.requestID = chat.requestID
                round.threads = chat.threads
            }
            round.to = team.map(\.id)
            round.timeout = options.timeout
            round.connectTimeout = options.connectTimeout
            round.deadline = options.deadline
            round.quorum = options.quorum
            round.retries = options.retries
            round.maximumReplyBytes = options.maximumReplyBytes
            round.breakers = breakers
            do {
                return try await client.round(round)
            } catch {
                Console.err("teamchat: \(error.message)")
                return nil
            }
        }
    }

    /// What `stats` shows of `roster`: the cache's view, or the gateway's live one.
    func statsReport(roster: [Specialist]) async -> StatsReport? {
        switch self {
        case .session(let session):
            return StatsReport(
                source: session.source.description, team: session.cachedTeam, roster: roster,
                health: session.health.snapshot(), now: SystemWallClock().now)
        case .gateway(let link, let source):
            guard let client = await link.client(), let team = try? await client.team(source: source) else { return nil }
            return StatsReport(source: source, team: team, roster: roster, health: team.health, now: SystemWallClock().now)
        }
    }
}
