/// Where an HTTP service is: scheme, host, port and the path the API lives under, parsed from a base URL such as
/// `http://127.0.0.1:11434/v1` or `https://api.example.com/v1/`.
public struct HTTPOrigin: Hashable, Sendable, CustomStringConvertible {
    public var isSecure: Bool
    public var host: String
    public var port: Int
    /// The path prefix, without a trailing slash (`/v1`, or empty).
    public var basePath: String

    /// Parses an `http://` or `https://` URL; `nil` for anything else (no user info, query or fragment either).
    public init?(parsing text: String) {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            isSecure = false
            rest = text.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            isSecure = true
            rest = text.dropFirst(8)
        } else {
            return nil
        }
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0 == "@" || $0.isWhitespace }) else { return nil }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        var hostPart = Substring(authority)
        var portPart: Substring?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { return nil }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty { return nil }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { return nil }
        host = String(hostPart)
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else { return nil }
            port = value
        } else {
            port = isSecure ? 443 : 80
        }
    }

    /// The URL of `path` (which starts with `/`) under the base path.
    public func path(_ path: String) -> String { basePath + path }

    /// `http://127.0.0.1:11434/v1`, the base URL in a normal form.
    public var description: String {
        let defaultPort = isSecure ? 443 : 80
        let host = host.contains(":") ? "[\(host)]" : host
        return "\(isSecure ? "https" : "http")://\(host)\(port == defaultPort ? "" : ":\(port)")\(basePath)"
    }

    /// The `Host` header.
    public var hostHeader: String {
        let host = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? host : "\(host):\(port)"
    }
}
