/// Where a bus lives and which team on it: `redis://[user[:password]@]host[:port]/TEAM[?db=N]`, `rediss://…` for
/// TLS, `redis+unix:///path/to/redis.sock?team=TEAM` for a local socket. The password is never part of
/// ``description``.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint
    public var tls: Bool
    public var team: String
    public var username: String?
    public var password: String?
    public var database: Int

    public init(
        endpoint: Endpoint, team: String, tls: Bool = false, username: String? = nil, password: String? = nil,
        database: Int = 0
    ) {
        self.endpoint = endpoint
        self.team = team
        self.tls = tls
        self.username = username
        self.password = password
        self.database = database
    }

    /// Reads a bus URL, or says what is wrong with it.
    public static func parse(_ text: String) -> Result<RedisURL, RedisURLError> {
        guard let schemeEnd = text.firstRange(of: "://") else {
            return .failure(RedisURLError("'\(text)' is not a bus URL (redis://HOST:PORT/TEAM)"))
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        var rest = text[schemeEnd.upperBound...]
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                query[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            rest = rest[..<mark]
        }
        let database: Int
        if let db = query["db"] {
            guard let value = Int(db), (0...15_000).contains(value) else {
                return .failure(RedisURLError("db=\(db) is not a database number"))
            }
            database = value
        } else {
            database = 0
        }
        switch scheme {
        case "redis+unix":
            let path = String(rest)
            guard path.hasPrefix("/"), let team = query["team"], Self.isTeamName(team) else {
                return .failure(RedisURLError("a unix-socket bus is redis+unix:///path/to/redis.sock?team=TEAM"))
            }
            return .success(RedisURL(endpoint: .unix(path: path), team: team, database: database))
        case "redis", "rediss":
            var username: String?
            var password: String?
            if let at = rest.lastIndex(of: "@") {
                let credentials = rest[..<at]
                rest = rest[rest.index(after: at)...]
                if let colon = credentials.firstIndex(of: ":") {
                    username = credentials[..<colon].isEmpty ? nil : String(credentials[..<colon])
                    password = String(credentials[credentials.index(after: colon)...])
                } else {
                    password = String(credentials)
                }
            }
            guard let slash = rest.firstIndex(of: "/") else {
                return .failure(RedisURLError("the team is missing: \(scheme)://HOST:PORT/TEAM"))
            }
            let team = String(rest[rest.index(after: slash)...])
            guard Self.isTeamName(team) else {
                return .failure(RedisURLError("'\(team)' is not a team name (letters, digits, '-', '_', '.')"))
            }
            let authority = rest[..<slash]
            var host = String(authority)
            var port = 6379
            if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
                host = String(authority[authority.index(after: authority.startIndex)..<close])
                let after = authority[authority.index(after: close)...]
                if after.hasPrefix(":") {
                    guard let value = Int(after.dropFirst()), (1...65_535).contains(value) else {
                        return .failure(RedisURLError("'\(after.dropFirst())' is not a port"))
                    }
                    port = value
                }
            } else if let colon = authority.lastIndex(of: ":") {
                host = String(authority[..<colon])
                guard let value = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(value) else {
                    return .failure(RedisURLError("'\(authority[authority.index(after: colon)...])' is not a port"))
                }
                port = value
            }
            guard !host.isEmpty else { return .failure(RedisURLError("the host is missing")) }
            return .success(RedisURL(
                endpoint: .tcp(host: host, port: port), team: team, tls: scheme == "rediss", username: username,
                password: password, database: database))
        default:
            return .failure(RedisURLError("'\(scheme)://' is not a bus (redis://, rediss:// or redis+unix://)"))
        }
    }

    static func isTeamName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// The URL without its password: for messages, logs and the cache.
    public var description: String {
        let user = username.map { "\($0)@" } ?? (password != nil ? "" : "")
        let db = database == 0 ? "" : "?db=\(database)"
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "\(tls ? "rediss" : "redis")://\(user)\(shownHost):\(port)/\(team)\(db)"
        case .unix(let path):
            return "redis+unix://\(path)?team=\(team)\(database == 0 ? "" : "&db=\(database)")"
        }
    }
}

/// Why a bus URL cannot be read.
public struct RedisURLError: Error, Hashable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
