import NIOHTTP1

/// The team in a browser: `GET /` is one page — HTML, a style sheet and a small script, written as plain files in
/// `Page/` and embedded in the binary by SwiftPM, so the page needs no build step and fetches nothing from
/// elsewhere. It speaks the gateway's own routes: `/api/team-chat/sockets` for the team and its health, WebSocket
/// rounds (server-sent events when the socket cannot open).
public enum GatewayPage {
    /// One of the page's files.
    public struct Asset: Sendable {
        public var contentType: String
        public var bytes: [UInt8]
    }

    /// The file served at `path`, or nil when `path` is not one of the page's.
    public static func asset(_ path: String) -> Asset? {
        switch path {
        case "/", "/index.html": Asset(contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html)
        case "/app.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.app_js)
        case "/app.css": Asset(contentType: "text/css; charset=utf-8", bytes: PackageResources.app_css)
        default: nil
        }
    }

    /// Sent with every file of the page. The policy allows the page's own files and connections only, and no inline
    /// script at all: a second wall behind the script's rule of showing whatever a specialist sends as text.
    static let headers: HTTPHeaders = [
        "content-security-policy":
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
    ]

    /// The WebSocket subprotocol the page offers; a browser cannot set a socket's headers, so its token rides
    /// beside it as `teamchat.bearer.<base64url of the token>`.
    static let subprotocol = "teamchat"
    static let bearerSubprotocolPrefix = "teamchat.bearer."
}
