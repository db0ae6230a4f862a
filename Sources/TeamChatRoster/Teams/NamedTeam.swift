import TeamChatModel

/// A team the user named in `teams.json` (DESIGN §10): where its members come from, which of them, what each is
/// sent differently, and how its rounds are run and brought together.
public struct NamedTeam: Sendable, Hashable {
    /// What one member is sent differently from the rest.
    public struct Override: Sendable, Hashable {
        /// The system prompt (OpenAI-compatible members: Tekton's services hold their own).
        public var system: String?
        public var temperature: Double?
        public var maxTokens: Int?
        /// `"server"`: it keeps its own conversation and is sent no thread; `"client"`: it is sent its thread.
        public var keepsOwnContext: Bool?
        /// Its own reply timeout (a slow model beside fast sockets).
        public var timeout: Duration?

        public init(
            system: String? = nil, temperature: Double? = nil, maxTokens: Int? = nil, keepsOwnContext: Bool? = nil,
            timeout: Duration? = nil
        ) {
            self.system = system
            self.temperature = temperature
            self.maxTokens = maxTokens
            self.keepsOwnContext = keepsOwnContext
            self.timeout = timeout
        }
    }

    /// How its rounds end: every answer, a judge's synthesis, or a council's.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case panel, judge, council
    }

    public var name: String
    public var description: String?
    public var source: RosterSource
    /// The members asked, by id (empty: everyone the source lists).
    public var members: [String] = []
    public var overrides: [String: Override] = [:]
    public var judge: [String] = []
    public var mode: Mode?
    public var quorum: Int?
    public var timeout: Duration?
    public var deadline: Duration?
    public var judgeTimeout: Duration?
    /// Who answers a chat UI's small tasks (a title, tags) through the OpenAI-compatible facade, alone (default: the
    /// first member).
    public var taskMember: String?

    public init(name: String, source: RosterSource) {
        self.name = name
        self.source = source
    }

    /// The members of `roster` this team asks, each with its overrides applied.
    public func apply(to roster: [Specialist]) -> [Specialist] {
        overriding(members.isEmpty ? roster : members.compactMap { id in roster.first { $0.id == id } })
    }

    /// Every specialist of `roster` with this team's overrides applied: the roster as this team sees it, its
    /// members or not.
    public func overriding(_ roster: [Specialist]) -> [Specialist] {
        roster.map { specialist in overrides[specialist.id]?.apply(to: specialist) ?? specialist }
    }

    /// The reply timeouts of `team`'s members that have their own, by index (``RoundOptions/memberTimeouts``).
    public func memberTimeouts(of team: [Specialist]) -> [Int: Duration] {
        var timeouts: [Int: Duration] = [:]
        for (index, member) in team.enumerated() {
            if let timeout = overrides[member.id]?.timeout { timeouts[index] = timeout }
        }
        return timeouts
    }

    /// Members named that the roster does not have.
    public func unknownMembers(in roster: [Specialist]) -> [String] {
        let ids = Set(roster.map(\.id))
        return (members + overrides.keys.sorted() + (taskMember.map { [$0] } ?? [])).filter { !ids.contains($0) }
    }
}

extension NamedTeam.Override {
    /// `specialist` with these values in place of its own.
    public func apply(to specialist: Specialist) -> Specialist {
        var specialist = specialist
        if let keepsOwnContext { specialist.keepsOwnContext = keepsOwnContext }
        switch specialist.address {
        case .openAI(var endpoint):
            if let system { endpoint.system = system }
            if let temperature { endpoint.temperature = temperature }
            if let maxTokens { endpoint.maxTokens = maxTokens }
            specialist.address = .openAI(endpoint)
        case .tekton, .bus:
            if let temperature { specialist.temperature = temperature }
            if let maxTokens { specialist.maxTokens = maxTokens }
        }
        return specialist
    }
}
