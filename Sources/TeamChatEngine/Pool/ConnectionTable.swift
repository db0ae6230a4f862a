/// A pool's connections by id: a dictionary's subset of operations over one short array.
///
/// A pool holds a handful of connections (``ConnectionPoolStateMachine/Configuration/maximumConnections``), and
/// every warm exchange looks one up twice (lease, release). Along a short array that is a few compares in one
/// allocation; in a `Dictionary` it was a hash and a probe into storage of its own, which a round to 1,000 pools
/// pays in cache misses.
struct ConnectionTable<Value> {
    private var entries: [(id: Int, value: Value)] = []

    init() {}

    var count: Int { entries.count }

    var isEmpty: Bool { entries.isEmpty }

    /// The values, oldest entry first.
    var values: some Collection<Value> { entries.lazy.map(\.value) }

    /// The value for `id`; setting `nil` removes it.
    subscript(id: Int) -> Value? {
        get {
            for entry in entries where entry.id == id { return entry.value }
            return nil
        }
        set {
            let position = entries.firstIndex { $0.id == id }
            switch (position, newValue) {
            case (let position?, let value?): entries[position].value = value
            case (let position?, nil): entries.remove(at: position)
            case (nil, let value?): entries.append((id, value))
            case (nil, nil): break
            }
        }
    }

    /// Removes the value for `id` and returns it, if there was one.
    @discardableResult
    mutating func removeValue(forKey id: Int) -> Value? {
        guard let position = entries.firstIndex(where: { $0.id == id }) else { return nil }
        return entries.remove(at: position).value
    }
}

extension ConnectionTable: Sendable where Value: Sendable {}
