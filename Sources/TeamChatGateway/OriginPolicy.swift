import NIOHTTP1
import TeamChatJSON

/// Who may ask the gateway from a browser (DESIGN §7, trust): every request over TCP passes here before it is
/// routed, the WebSocket upgrade included. A listener on loopback is reachable from every page any browser on the
/// machine has open; this is what keeps those pages out.
///
/// - **Host** must name the gateway: `localhost`, a loopback address, the address it listens on (any address at
///   all when it listens on every interface), or a name given with `--allow-host`. A page on a name that rebinds
///   to 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
/// - **Origin**, when a browser sends one, must be the gateway's own (`http://` and the Host it asked) or one given
///   with `--allow-origin`: another page's script can neither open the WebSocket nor post a round (cross-site
///   WebSocket hijacking, CSRF). `Origin: null` (a sandboxed frame, a file) is refused too.
/// - **Sec-Fetch-Site**, which browsers send on every request: a request another site made (`cross-site`, or
///   `same-site`: another port of localhost is the same site) without an allowed Origin is refused — an `<img>` or
///   a link sends no Origin — except a person following a link to the page itself (a top-level navigation).
/// - A request that changes something (a round, a warm-up) is never taken in a form's content type
///   (`application/x-www-form-urlencoded`, `multipart/form-data`, `text/plain`): the only kinds another page can
///   send without asking the browser's permission first.
///
/// Clients that are not browsers (curl, the `openai` SDK, `teamchat send`) send no Origin and a Host that names the
/// gateway, and are not affected. The control socket is not reached through here: no browser can reach it.
struct OriginPolicy: Sendable, Hashable {
    /// The address the gateway listens on.
    var listenHost: String
    /// More names a request's Host may give (`--allow-host`); `*` allows any.
    var allowedHosts: Set<String>
    /// More origins a request may come from (`--allow-origin`, e.g. `http://localhost:3000`); `*` allows any.
    var allowedOrigins: Set<String>

    init(listenHost: String, allowedHosts: [String] = [], allowedOrigins: [String] = []) {
        self.listenHost = Self.bareHost(listenHost)
        self.allowedHosts = Set(allowedHosts.map { Self.bareHost($0) })
        self.allowedOrigins = Set(allowedOrigins.map { Self.normalizedOrigin($0) })
    }

    /// Why `head` is refused (403 or 415), or nil when it may go on to its route.
    func refusal(_ head: HTTPRequestHead, changesState: Bool, isPage: Bool) -> GatewayError? {
        let host = head.headers.first(name: "host")
        if let host, !isAllowedHost(host) {
            return GatewayError(
                .forbidden,
                "the Host '\(host)' is not this gateway's (a page on another name may be rebinding it); "
                    + "serve with --allow-host NAME to accept it")
        }
        let origin = head.headers.first(name: "origin")
        let originAllowed = origin.map { isAllowedOrigin($0, host: host) }
        if originAllowed == false {
            return GatewayError(
                .forbidden,
                "requests from \(origin ?? "") are refused: another page may not use this gateway; "
                    + "serve with --allow-origin \(origin ?? "ORIGIN") to accept them")
        }
        if originAllowed != true, let site = head.headers.first(name: "sec-fetch-site")?.lowercased(),
            site == "cross-site" || site == "same-site"
        {
            let navigation = head.headers.first(name: "sec-fetch-mode")?.lowercased() == "navigate"
            if !(isPage && navigation && (head.method == .GET || head.method == .HEAD)) {
                return GatewayError(.forbidden, "a request another site made is refused (Sec-Fetch-Site: \(site))")
            }
        }
        if changesState, let type = head.headers.first(name: "content-type"), Self.isFormType(type) {
            return GatewayError(
                .unsupportedMediaType,
                "'\(type)' is a form's content type, which any page may send: send JSON (Content-Type: "
                    + "application/json)")
        }
        return nil
    }

    func isAllowedHost(_ header: String) -> Bool {
        let host = Self.bareHost(header)
        if allowedHosts.contains("*") || allowedHosts.contains(host) { return true }
        if host == "localhost" || host == listenHost { return true }
        guard let address = IPAddressText(host) else { return false }
        // An address is no name a page can rebind: on a gateway that listens everywhere, any address of the machine
        // will do; otherwise a loopback one.
        return address.isLoopback || Self.isUnspecified(listenHost)
    }

    func isAllowedOrigin(_ origin: String, host: String?) -> Bool {
        let origin = Self.normalizedOrigin(origin)
        if allowedOrigins.contains("*") || allowedOrigins.contains(origin) { return true }
        guard origin != "null", let host else { return false }
        return origin == "http://" + host.lowercased()
    }

    /// `Host: 127.0.0.1:8003` → `127.0.0.1`; `[::1]:8003` → `::1`; lower-cased.
    static func bareHost(_ text: String) -> String {
        var host = text.trimmed.lowercased()
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") { host = String(host[host.index(after: host.startIndex)..<close]) }
            return host
        }
        // One colon: a port after a name or an IPv4 address (an IPv6 address has several and no brackets only bare).
        if host.filter({ $0 == ":" }).count == 1, let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return host
    }

    static func normalizedOrigin(_ text: String) -> String {
        var origin = text.trimmed.lowercased()
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }

    static func isUnspecified(_ host: String) -> Bool {
        host == "0.0.0.0" || host == "::" || host.isEmpty
    }

    static func isFormType(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";").first.map { String($0).trimmed.lowercased() }
        return ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"].contains(type ?? "")
    }
}

/// An IP address written as text, read only as far as the policy needs.
struct IPAddressText {
    var isLoopback: Bool

    init?(_ text: String) {
        if text.contains(":") {
            // IPv6: hex digits and colons (a zone is not accepted in a Host).
            guard text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            isLoopback = text == "::1" || text == "0:0:0:0:0:0:0:1"
            return
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ part in UInt8(part) != nil }) else { return nil }
        isLoopback = parts[0] == "127"
    }
}
