import TeamChatModel

/// The contents of the cache file (DESIGN §4): one team per roster source (so that switching sources loses no
/// health), which source was used last, and for each team its roster, when it was discovered and each
/// specialist's health.
public struct SpecialistCache: Hashable, Sendable {
    /// Files of a higher version are moved aside, never misread.
    public static let schemaVersion = 2
    /// Teams beyond this many are forgotten, least recently used first.
    public static let maximumTeams = 32

    public var schemaVersion = SpecialistCache.schemaVersion
    /// ``RosterSource/description`` of the source used last.
    public var lastSource: String?
    public var teams: [Team]

    /// One roster source's team.
    public struct Team: Hashable, Sendable {
        /// ``RosterSource/description``: a team is only ever used for its own source.
        public var source: String
        /// When the roster was last discovered completely; `nil` when it never was (an empty or partial discovery
        /// is kept, but never as fresh).
        public var discoveredAt: WallTime?
        public var ttlSeconds: Double
        /// When a command last used this team.
        public var usedAt: WallTime
        public var specialists: [Entry]

        public init(source: String, discoveredAt: WallTime?, ttl: Duration, usedAt: WallTime, specialists: [Entry]) {
            self.source = source
            self.discoveredAt = discoveredAt
            self.ttlSeconds = ttl.seconds
            self.usedAt = usedAt
            self.specialists = specialists
        }

        public var roster: [Specialist] { specialists.map(\.specialist) }

        /// Whether the roster is younger than its TTL at `now`.
        public func isFresh(now: WallTime) -> Bool {
            guard let discoveredAt else { return false }
            return now >= discoveredAt && discoveredAt.secondsSince1970 + ttlSeconds > now.secondsSince1970
        }

        /// Each specialist's health, by id.
        public var health: [String: SpecialistHealth] {
            Dictionary(specialists.map { ($0.id, $0.health) }, uniquingKeysWith: { first, _ in first })
        }

        /// Replaces the roster, keeping the health of specialists still on it.
        public mutating func replaceRoster(_ roster: [Specialist], discoveredAt: WallTime?, ttl: Duration) {
            let previous = health
            self.discoveredAt = discoveredAt
            ttlSeconds = ttl.seconds
            specialists = roster.map { Entry($0, health: previous[$0.id] ?? .init()) }
        }

        /// Merges what a process learned into each specialist's health (by id; unknown ids get an entry only when
        /// `roster` knows them).
        public mutating func apply(_ changes: [String: HealthChanges], roster: [Specialist] = []) {
            for (id, change) in changes {
                if let index = specialists.firstIndex(where: { $0.id == id }) {
                    specialists[index].health.apply(change)
                } else if let specialist = roster.first(where: { $0.id == id }) {
                    var health = SpecialistHealth()
                    health.apply(change)
                    specialists.append(Entry(specialist, health: health))
                }
            }
        }
    }

    /// One specialist and its health.
    public struct Entry: Hashable, Sendable {
        public var specialist: Specialist
        public var health: SpecialistHealth

        public init(_ specialist: Specialist, health: SpecialistHealth = .init()) {
            self.specialist = specialist
            self.health = health
        }

        public var id: String { specialist.id }
    }

    public init(lastSource: String? = nil, teams: [Team] = []) {
        self.lastSource = lastSource
        self.teams = teams
    }

    /// The team of `source`, if the cache has one.
    public func team(_ source: String) -> Team? {
        teams.first { $0.source == source }
    }

    /// Changes the team of `source` (created empty when missing), marks it used at `now` and the source used last,
    /// and forgets the least recently used teams beyond ``maximumTeams``.
    public mutating func updateTeam(
        _ source: String, now: WallTime, ttl: Duration, _ change: (inout Team) -> Void
    ) {
        var team =
            self.team(source) ?? Team(source: source, discoveredAt: nil, ttl: ttl, usedAt: now, specialists: [])
        change(&team)
        team.usedAt = now
        teams.removeAll { $0.source == source }
        teams.insert(team, at: 0)
        if teams.count > Self.maximumTeams {
            teams = Array(teams.sorted { $0.usedAt > $1.usedAt }.prefix(Self.maximumTeams))
        }
        lastSource = source
    }
}
