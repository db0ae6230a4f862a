/// The gateway's client connections and what each is doing, for the connection cap (DESIGN §7, trust): at the cap,
/// room is made by closing the connection that matters least — one that has not completed a request or shown a
/// token (a stalled body, a slow trickle, a socket opened and left), the oldest first; then the longest idle one —
/// and never one whose request or rounds are being answered. When every connection is busy, the new one is refused.
/// So a thousand stalled connections cannot keep out a client with the right token.
///
/// A pure value, kept under the gateway's lock; `ID` is whatever tells connections apart.
struct ConnectionRegistry<ID: Hashable & Sendable, Instant: Comparable & Sendable>: Sendable {
    /// What a connection is doing.
    enum Phase: Sendable, Hashable {
        /// Accepted; no request completed on it yet (nor, where one is asked, a token shown). Moves to `busy` or
        /// `idle`, or is evicted first.
        case unproven
        /// A request is being answered, or rounds run for it (a WebSocket with rounds in flight). Never evicted.
        case busy
        /// It completed a request and waits for the next (keep-alive), or is a WebSocket with no round in flight.
        case idle
    }

    private struct Entry: Sendable {
        var phase: Phase
        /// When it entered its phase.
        var since: Instant
    }

    let capacity: Int
    private var entries: [ID: Entry] = [:]

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// Counts `id` in, as `unproven`. Returns what must be closed to make room (`nil` when there was room), or
    /// `.refused` when every connection is busy.
    enum Admission: Sendable, Hashable {
        case admitted
        case admittedEvicting(ID)
        case refused
    }

    mutating func admit(_ id: ID, now: Instant) -> Admission {
        var evicted: ID?
        if entries.count >= capacity {
            guard let victim = evictionCandidate() else { return .refused }
            entries[victim] = nil
            evicted = victim
        }
        entries[id] = Entry(phase: .unproven, since: now)
        return evicted.map { .admittedEvicting($0) } ?? .admitted
    }

    /// The connection a new one would replace: the oldest unproven, else the longest idle; never a busy one.
    func evictionCandidate() -> ID? {
        for phase in [Phase.unproven, .idle] {
            if let oldest = entries.filter({ $0.value.phase == phase }).min(by: { $0.value.since < $1.value.since }) {
                return oldest.key
            }
        }
        return nil
    }

    /// `id` moved to `phase` (nothing, if it was closed meanwhile).
    mutating func set(_ id: ID, _ phase: Phase, now: Instant) {
        guard entries[id] != nil, entries[id]?.phase != phase else { return }
        entries[id] = Entry(phase: phase, since: now)
    }

    func phase(of id: ID) -> Phase? { entries[id]?.phase }

    /// Forgets `id`; true when it was counted.
    @discardableResult
    mutating func remove(_ id: ID) -> Bool {
        entries.removeValue(forKey: id) != nil
    }

    var ids: [ID] { Array(entries.keys) }
}
