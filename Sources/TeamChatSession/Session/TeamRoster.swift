import TeamChatModel

/// The team a session resolved, and how.
public struct TeamRoster: Sendable {
    public enum Origin: String, Sendable {
        /// From the cache, younger than its TTL: no probe.
        case fresh
        /// From the cache, older than its TTL: used at once, refreshed in the background.
        case stale
        /// Probed just now (no usable cache).
        case discovered
        /// Read from the roster file or the preset without a cache (`--no-cache`).
        case uncached
    }

    public var specialists: [Specialist]
    public var origin: Origin

    public init(specialists: [Specialist], origin: Origin) {
        self.specialists = specialists
        self.origin = origin
    }
}
