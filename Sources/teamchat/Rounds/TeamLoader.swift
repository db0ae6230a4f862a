import ArgumentParser
import TeamChatEngine
import TeamChatModel
import TeamChatRoster
import TeamChatSession

/// Turns a session's source into a team, turning roster trouble into exit statuses: a bad roster file is 65, a bad
/// flag or environment variable 64, an empty team 69.
enum TeamLoader {
    /// The team of `session`, through the cache or discovery.
    static func resolve(_ session: TeamSession) async throws -> TeamRoster {
        let roster: TeamRoster
        do {
            roster = try await session.roster()
        } catch {
            throw fail(error)
        }
        try Task.checkCancellation()
        if roster.specialists.isEmpty, roster.origin == .fresh || roster.origin == .stale {
            // Never a silent instant failure: the empty team is a remembered one, and can be probed again.
            let found = if case .scan(let range) = session.source { "no specialist answered on \(range)" } else {
                "nobody answered"
            }
            throw fail(
                ExitStatus.unavailable,
                "\(found) when the team was last discovered (kept in the cache until its TTL runs out); "
                    + "probe again now with: \(rediscoverCommand(for: session.source))")
        }
        try ensureMembers(roster.specialists, source: session.source)
        return roster
    }

    /// The command that probes `source` again, in the user's own terms.
    static func rediscoverCommand(for source: RosterSource) -> String {
        switch source {
        case .scan(let range): "teamchat discover --scan \(range)"
        case .file(let path): "teamchat discover --roster \(path)"
        case .openAI(let openAI):
            "teamchat discover --openai \(openAI.origin)"
                + (openAI.models.map { " --model '\($0)'" } ?? "")
                + (openAI.apiKeyVariable.map { " --api-key-env \($0)" } ?? "")
        case .tekton: "teamchat discover --tekton"
        case .bus(let url): "teamchat discover --bus \(url)"
        }
    }

    /// Said once when nobody listens on any of Tekton's ports: what was tried, and what to do next.
    static func nobodyOnTektonPorts(_ team: [Specialist]) -> String {
        let ports = team.compactMap { specialist -> (String, Int)? in
            guard case .tekton(let host, let port) = specialist.address else { return nil }
            return (host, port)
        }
        let tried = ports.isEmpty ? "Tekton's ports"
            : "Tekton's ports (\(ports[0].0):\(ports.map(\.1).min() ?? 0)-\(ports.map(\.1).max() ?? 0); "
                + "TEKTON_AI_PORT_BASE and <NAME>_AI_PORT move them)"
        return "nobody is listening on \(tried). To try teamchat without a team: teamchat demo. To ask your own: "
            + "--scan HOST:LOW-HIGH, --roster FILE, --openai URL, or TEAMCHAT_SCAN in the environment"
    }

    /// Fails (69) when a team has nobody in it.
    static func ensureMembers(_ roster: [Specialist], source: RosterSource) throws {
        guard roster.isEmpty else { return }
        switch source {
        case .scan(let range):
            throw fail(ExitStatus.unavailable, "no specialist answered on \(range)")
        case .bus(let url):
            throw fail(
                ExitStatus.unavailable,
                "no bridge is on the bus \(url): start one where the specialists are, with teamchat bridge --bus \(url) "
                    + "--roster FILE (or any team option)")
        case .openAI(let listing):
            throw fail(ExitStatus.unavailable, "\(listing.origin) lists no model\(listing.models.map { " matching '\($0)'" } ?? "")")
        case .file(let path):
            throw fail(ExitStatus.unavailable, "the roster \(path) names no specialist")
        case .tekton:
            throw fail(ExitStatus.unavailable, "the roster is empty")
        }
    }

    /// Narrows the roster by `--to` and `--exclude`.
    static func select(_ roster: [Specialist], to: [String], exclude: [String]) throws -> [Specialist] {
        do {
            return try SpecialistSelector.select(
                roster,
                include: SpecialistSelector.names(to),
                exclude: SpecialistSelector.names(exclude)
            )
        } catch {
            throw fail(ExitStatus.usage, error.message)
        }
    }

    /// Makes room for one descriptor per connection, warning when it cannot.
    static func ensureDescriptors(for count: Int) {
        switch DescriptorLimit.ensure(DescriptorLimit.needed(forSpecialists: count)) {
        case .sufficient, .raised:
            break
        case .insufficient(let needed, let hard):
            Warnings.warn(DescriptorLimit.warning(specialists: count, needed: needed, hardLimit: hard))
        }
    }
}

extension RosterSource {
    /// Whether the team is found by probing (a scan, a model list), so that a remembered one may be out of date.
    var isDiscovered: Bool {
        switch self {
        case .scan, .openAI, .bus: true
        case .file, .tekton: false
        }
    }
}
