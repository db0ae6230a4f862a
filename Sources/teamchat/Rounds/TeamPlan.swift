import TeamChatModel
import TeamChatRoster

/// What a named team (`--team`) and this run's flags (`--system`, `--temperature`, `-o`) change about the team a
/// command asks (DESIGN §10): which members, what each is sent, and the name the output gives the team.
struct TeamPlan: Sendable {
    var named: NamedTeam?
    var override: NamedTeam.Override?
    /// The teams file the named team came from (for its errors).
    var teamsPath: String?

    /// Whether members are sent something of this process's making: such rounds run here, since a gateway would
    /// send its members' requests as it holds them.
    var changesRequests: Bool {
        override != nil || !(named?.overrides.isEmpty ?? true)
    }

    /// The whole roster with the team's overrides, then this run's, applied: every specialist, so that a judge
    /// outside the team's members is found too.
    func everyone(_ roster: [Specialist]) -> [Specialist] {
        roster.map { specialist in
            var specialist = specialist
            if let own = named?.overrides[specialist.id] { specialist = own.apply(to: specialist) }
            if let override { specialist = override.apply(to: specialist) }
            return specialist
        }
    }

    /// The members the team asks, overrides applied; a member or override the source does not list is an error
    /// (65) naming the file and the team.
    func members(_ roster: [Specialist]) throws -> [Specialist] {
        let everyone = everyone(roster)
        guard let named else { return everyone }
        let unknown = named.unknownMembers(in: roster)
        guard unknown.isEmpty else {
            throw fail(
                ExitStatus.badInput,
                "\(teamsPath ?? "teams.json"): team '\(named.name)' names \(unknown.joined(separator: ", ")), which "
                    + "its source (\(named.source)) does not list")
        }
        guard !named.members.isEmpty else { return everyone }
        return named.members.compactMap { id in everyone.first { $0.id == id } }
    }

    /// How the summary line names the team: `team design`, or where an unnamed team came from.
    func name(source: RosterSource) -> String {
        if let named { return "team " + named.name }
        switch source {
        case .file(let path): return "roster " + (path.split(separator: "/").last.map(String.init) ?? path)
        case .tekton: return "tekton"
        case .scan(let range): return "scan \(range)"
        case .openAI(let openAI): return "openai \(openAI.origin)"
        case .bus(let url): return "bus \(url)"
        }
    }
}
