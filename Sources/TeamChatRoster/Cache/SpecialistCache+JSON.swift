#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TeamChatJSON
import TeamChatModel

/// The cache file's JSON form (DESIGN §4), written and read by hand: every one-shot `teamchat send` reads and
/// writes it, and Codable's first use in a process costs milliseconds of runtime type lookups.
///
/// ```
/// {"schema_version":2,"last_source":"tekton","teams":[{"source":"tekton","discovered_at":1795600664.2,
///  "ttl_seconds":60,"used_at":1795600670.1,"specialists":[{"id":"apollo-ai","transport":"tekton",
///  "host":"127.0.0.1","port":45012,"model":"…","component":"…","description":"…",
///  "health":{"requests":4,"successes":3,"failures":{"timeout":1},"recent_latencies_ms":[0.4,0.5,0.4],
///   "consecutive_failures":1,"last_error":"timeout after 2.0s","last_error_kind":"timeout",
///   "last_error_at":1795600665.0,"last_seen":1795600664.9,
///   "breaker":{"state":{"closed":{"failures":1}},"trips":0}}}]}]}
/// ```
/// Breaker states are `{"closed":{"failures":N}}`, `{"open":{"until":T}}` and `{"halfOpen":{"since":T}}`; times are
/// seconds since 1970. Every number is range-checked when read: a value out of range makes the file corrupt (moved
/// aside and rebuilt), never a trap. Unknown members are ignored, so a newer teamchat of the same schema can add
/// some. Schema 1 files (one team, at the top level) are read as a cache of one team.
extension SpecialistCache {
    /// Why a cache file cannot be used.
    public enum DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
        case corrupt(String)
        case futureVersion(Int)

        public var description: String {
            switch self {
            case .corrupt(let detail): "corrupt (\(detail))"
            case .futureVersion(let version): "written by a newer teamchat (schema \(version))"
            }
        }
    }

    /// Limits on what a plausible file holds.
    enum Limits {
        static let count = 0...(1 << 50)
        static let ttlSeconds = 0.0...1e9
        static let latencyMS = 0.0...1e9
        static let trips = 0...1_000
    }

    public static func decode(_ data: Data) throws(DecodeError) -> SpecialistCache {
        let parsed = data.withUnsafeBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.value(of: bytes) }
        }
        guard case .success(let value) = parsed, let root = value.object else {
            throw .corrupt(data.isEmpty ? "empty" : "not a teamchat cache")
        }
        do {
            let fields = JSONFields(root)
            let version = try fields.integer("schema_version", in: 0...Int(Int32.max))
            guard version <= schemaVersion else { throw DecodeError.futureVersion(version) }
            guard version >= 1 else { throw DecodeError.corrupt("schema_version \(version)") }
            if version == 1 {
                let team = try Team(json: fields)
                return SpecialistCache(lastSource: team.source, teams: [team])
            }
            var cache = SpecialistCache(
                lastSource: try fields.optionalString("last_source"),
                teams: try fields.objects("teams").map { fields throws(JSONFields.Problem) in try Team(json: fields) }
            )
            cache.schemaVersion = version
            return cache
        } catch let error as DecodeError {
            throw error
        } catch let problem as JSONFields.Problem {
            throw .corrupt(problem.message)
        } catch {
            throw .corrupt("\(error)")
        }
    }

    public func encoded() -> Data {
        var root = JSONObjectWriter()
        root.add("schema_version", Self.schemaVersion)
        root.add("last_source", lastSource)
        root.add("teams", objects: teams.map(\.json))
        return Data(root.utf8(terminator: UInt8(ascii: "\n")))
    }
}

extension SpecialistCache.Team {
    fileprivate init(json fields: JSONFields) throws(JSONFields.Problem) {
        let ttl = try fields.number("ttl_seconds", in: SpecialistCache.Limits.ttlSeconds)
        let discoveredAt = try fields.optionalWallTime("discovered_at")
        self.init(
            source: try fields.string("source"),
            discoveredAt: discoveredAt,
            ttl: Duration(checkedSeconds: ttl) ?? .zero,
            usedAt: try fields.optionalWallTime("used_at") ?? discoveredAt ?? WallTime(secondsSince1970: 0),
            specialists: try fields.objects("specialists").map { fields throws(JSONFields.Problem) in
                SpecialistCache.Entry(
                    try Specialist(json: fields),
                    health: try fields.optionalObject("health").map { fields throws(JSONFields.Problem) in
                        try SpecialistHealth(json: fields)
                    } ?? SpecialistHealth())
            }
        )
    }

    fileprivate var json: JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("source", source)
        object.add("discovered_at", discoveredAt?.secondsSince1970)
        object.add("ttl_seconds", ttlSeconds)
        object.add("used_at", usedAt.secondsSince1970)
        object.add(
            "specialists",
            objects: specialists.map { entry in
                var object = entry.specialist.json
                object.add("health", object: entry.health.json)
                return object
            })
        return object
    }
}

extension SpecialistHealth {
    fileprivate init(json fields: JSONFields) throws(JSONFields.Problem) {
        typealias Limits = SpecialistCache.Limits
        self.init()
        requests = try fields.optionalInteger("requests", in: Limits.count) ?? 0
        successes = try fields.optionalInteger("successes", in: Limits.count) ?? 0
        if let counts = try fields.optionalObject("failures") {
            for key in counts.members.keys {
                failures[key] = try counts.integer(key, in: Limits.count)
            }
        }
        if let latencies = fields.members["recent_latencies_ms"] {
            guard let array = latencies.array else { throw JSONFields.Problem(message: "'recent_latencies_ms' is not a list") }
            recentLatenciesMS = try array.suffix(Self.latencyWindow).map { value throws(JSONFields.Problem) in
                guard let number = value.number, number.isFinite, Limits.latencyMS.contains(number) else {
                    throw JSONFields.Problem(message: "'recent_latencies_ms' holds a value out of range")
                }
                return number
            }
        }
        consecutiveFailures = try fields.optionalInteger("consecutive_failures", in: Limits.count) ?? 0
        lastError = try fields.optionalString("last_error")
        lastErrorKind = try fields.optionalString("last_error_kind")
        lastErrorAt = try fields.optionalWallTime("last_error_at")
        lastSeen = try fields.optionalWallTime("last_seen")
        if let breaker = try fields.optionalObject("breaker") {
            self.breaker = try CircuitBreaker(json: breaker)
        }
    }

    fileprivate var json: JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("requests", requests)
        object.add("successes", successes)
        object.add("failures", counts: failures)
        object.add("recent_latencies_ms", numbers: recentLatenciesMS)
        object.add("consecutive_failures", consecutiveFailures)
        object.add("last_error", lastError)
        object.add("last_error_kind", lastErrorKind)
        object.add("last_error_at", lastErrorAt?.secondsSince1970)
        object.add("last_seen", lastSeen?.secondsSince1970)
        object.add("breaker", object: breaker.json)
        return object
    }
}

extension CircuitBreaker {
    fileprivate init(json fields: JSONFields) throws(JSONFields.Problem) {
        guard let state = try fields.optionalObject("state"), state.members.count == 1,
            let (name, value) = state.members.first, let details = value.object.map(JSONFields.init)
        else { throw JSONFields.Problem(message: "a breaker without a state") }
        let trips = try fields.optionalInteger("trips", in: SpecialistCache.Limits.trips) ?? 0
        switch name {
        case "closed":
            let failures = try details.optionalInteger("failures", in: SpecialistCache.Limits.count) ?? 0
            self.init(state: .closed(failures: failures), trips: trips)
        case "open":
            self.init(state: .open(until: try details.wallTime("until")), trips: trips)
        case "halfOpen":
            self.init(state: .halfOpen(since: try details.wallTime("since")), trips: trips)
        default:
            throw JSONFields.Problem(message: "unknown breaker state '\(name)'")
        }
    }

    fileprivate var json: JSONObjectWriter {
        var details = JSONObjectWriter()
        let name: String
        switch state {
        case .closed(let failures):
            name = "closed"
            details.add("failures", failures)
        case .open(let until):
            name = "open"
            details.add("until", until.secondsSince1970)
        case .halfOpen(let since):
            name = "halfOpen"
            details.add("since", since.secondsSince1970)
        }
        var state = JSONObjectWriter()
        state.add(name, object: details)
        var object = JSONObjectWriter()
        object.add("state", object: state)
        object.add("trips", trips)
        return object
    }
}
