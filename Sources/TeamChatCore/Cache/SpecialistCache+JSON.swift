#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The cache file's JSON form (DESIGN §4), written and read by hand: every one-shot `teamchat send` reads and
/// writes it, and Codable's first use in a process costs milliseconds of runtime type lookups.
///
/// ```
/// {"schema_version":1,"source":"tekton","discovered_at":1795600664.2,"ttl_seconds":60,
///  "specialists":[{"id":"apollo-ai","host":"127.0.0.1","port":45012,"model":"…","component":"…","description":"…",
///   "health":{"requests":4,"successes":3,"failures":{"timeout":1},"recent_latencies_ms":[0.4,0.5,0.4],
///    "consecutive_failures":1,"last_error":"timeout after 2.0s","last_error_kind":"timeout",
///    "last_error_at":1795600665.0,"last_seen":1795600664.9,
///    "breaker":{"state":{"closed":{"failures":1}},"trips":0}}}]}
/// ```
/// Breaker states are `{"closed":{"failures":N}}`, `{"open":{"until":T}}` and `{"halfOpen":{"since":T}}`; times are
/// seconds since 1970. Unknown members are ignored, so a newer teamchat of the same schema can add some.
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

    public static func decode(_ data: Data) throws(DecodeError) -> SpecialistCache {
        let parsed = data.withUnsafeBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.value(of: bytes) }
        }
        guard case .success(let value) = parsed, let root = value.object else {
            throw .corrupt(data.isEmpty ? "empty" : "not a teamchat cache")
        }
        guard let version = root["schema_version"]?.integer else { throw .corrupt("no schema_version") }
        guard version <= schemaVersion else { throw .futureVersion(version) }
        let fields = Fields(root)
        var cache = SpecialistCache(
            source: try fields.string("source"),
            discoveredAt: WallTime(secondsSince1970: try fields.number("discovered_at")),
            ttl: .milliseconds(Int64(try fields.number("ttl_seconds") * 1_000)),
            specialists: try fields.objects("specialists").map(Entry.init(json:))
        )
        cache.schemaVersion = version
        return cache
    }

    public func encoded() -> Data {
        var root = JSONObjectWriter()
        root.add("schema_version", schemaVersion)
        root.add("source", source)
        root.add("discovered_at", discoveredAt.secondsSince1970)
        root.add("ttl_seconds", ttlSeconds)
        root.add("specialists", objects: specialists.map(\.json))
        return Data(root.utf8(terminator: UInt8(ascii: "\n")))
    }
}

extension SpecialistCache.Entry {
    fileprivate init(json: [String: JSONObjectReader.Value]) throws(SpecialistCache.DecodeError) {
        let fields = Fields(json)
        self.init(
            Specialist(
                id: try fields.string("id"),
                host: try fields.string("host"),
                port: try fields.integer("port"),
                model: fields.optionalString("model"),
                component: fields.optionalString("component"),
                description: fields.optionalString("description")
            ),
            health: try json["health"]?.object.map(SpecialistHealth.init(json:)) ?? SpecialistHealth()
        )
    }

    fileprivate var json: JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("id", specialist.id)
        object.add("host", specialist.host)
        object.add("port", specialist.port)
        object.add("model", specialist.model)
        object.add("component", specialist.component)
        object.add("description", specialist.description)
        object.add("health", object: health.json)
        return object
    }
}

extension SpecialistHealth {
    fileprivate init(json: [String: JSONObjectReader.Value]) throws(SpecialistCache.DecodeError) {
        let fields = Fields(json)
        self.init()
        requests = fields.optionalInteger("requests") ?? 0
        successes = fields.optionalInteger("successes") ?? 0
        failures = (json["failures"]?.object ?? [:]).compactMapValues(\.integer)
        recentLatenciesMS = (json["recent_latencies_ms"]?.array ?? []).compactMap(\.number)
        consecutiveFailures = fields.optionalInteger("consecutive_failures") ?? 0
        lastError = fields.optionalString("last_error")
        lastErrorKind = fields.optionalString("last_error_kind")
        lastErrorAt = json["last_error_at"]?.number.map(WallTime.init(secondsSince1970:))
        lastSeen = json["last_seen"]?.number.map(WallTime.init(secondsSince1970:))
        if let breaker = json["breaker"]?.object {
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
    fileprivate init(json: [String: JSONObjectReader.Value]) throws(SpecialistCache.DecodeError) {
        guard let state = json["state"]?.object, state.count == 1, let (name, value) = state.first,
            let details = value.object
        else { throw .corrupt("a breaker without a state") }
        let trips = json["trips"]?.integer ?? 0
        switch name {
        case "closed":
            self.init(state: .closed(failures: details["failures"]?.integer ?? 0), trips: trips)
        case "open":
            guard let until = details["until"]?.number else { throw .corrupt("an open breaker without 'until'") }
            self.init(state: .open(until: WallTime(secondsSince1970: until)), trips: trips)
        case "halfOpen":
            guard let since = details["since"]?.number else { throw .corrupt("a half-open breaker without 'since'") }
            self.init(state: .halfOpen(since: WallTime(secondsSince1970: since)), trips: trips)
        default:
            throw .corrupt("unknown breaker state '\(name)'")
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

/// Typed access to an object's members, with errors that name the member.
private struct Fields {
    let members: [String: JSONObjectReader.Value]

    init(_ members: [String: JSONObjectReader.Value]) {
        self.members = members
    }

    func string(_ key: String) throws(SpecialistCache.DecodeError) -> String {
        guard let value = members[key]?.string else { throw .corrupt("'\(key)' missing or not a string") }
        return value
    }

    func number(_ key: String) throws(SpecialistCache.DecodeError) -> Double {
        guard let value = members[key]?.number else { throw .corrupt("'\(key)' missing or not a number") }
        return value
    }

    func integer(_ key: String) throws(SpecialistCache.DecodeError) -> Int {
        guard let value = members[key]?.integer else { throw .corrupt("'\(key)' missing or not an integer") }
        return value
    }

    func objects(_ key: String) throws(SpecialistCache.DecodeError) -> [[String: JSONObjectReader.Value]] {
        guard let array = members[key]?.array else { throw .corrupt("'\(key)' missing or not a list") }
        var objects: [[String: JSONObjectReader.Value]] = []
        for element in array {
            guard let object = element.object else { throw .corrupt("'\(key)' holds something not an object") }
            objects.append(object)
        }
        return objects
    }

    func optionalString(_ key: String) -> String? { members[key]?.string }
    func optionalInteger(_ key: String) -> Int? { members[key]?.integer }
}
