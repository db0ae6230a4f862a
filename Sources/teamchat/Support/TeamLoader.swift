import ArgumentParser
import TeamChatCore

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
        try ensureMembers(roster.specialists, source: session.source)
        return roster
    }

    /// Fails (69) when a team has nobody in it.
    static func ensureMembers(_ roster: [Specialist], source: RosterSource) throws {
        guard roster.isEmpty else { return }
        if case .scan(let range) = source {
            throw fail(ExitStatus.unavailable, "no specialist answered on \(range)")
        }
        throw fail(ExitStatus.unavailable, "the roster is empty")
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
