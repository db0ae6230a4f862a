import NIOConcurrencyHelpers

/// A value that arrives once, awaited by any number of tasks, optionally for a limited time: what a test waits on
/// instead of sleeping (a child's end, a server's first request, the moment a slow specialist may answer).
public final class AsyncLatch<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var next = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Sets the value (the first time only) and wakes everyone waiting for it.
    public func resolve(_ value: Value) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Value?, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value, once it is set.
    public func value() async -> Value {
        // Without a limit the wait ends only with the value, so the result is never nil.
        await value(within: nil)!
    }

    /// The value, or nil when `limit` passed first.
    public func value(within limit: Duration?) async -> Value? {
        let id = state.withLockedValue { state -> Int in
            state.next += 1
            return state.next
        }
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready = self.state.withLockedValue { state -> Value?? in
                        if let value = state.value { return .some(value) }
                        state.waiters[id] = continuation
                        return .none
                    }
                    if case .some(let value) = ready { continuation.resume(returning: value) }
                }
            }
            if let limit {
                group.addTask {
                    try? await Task.sleep(for: limit)
                    // Time is up (or the test was cancelled): the waiter gives up with nil.
                    let waiter = self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }
                    waiter?.resume(returning: nil)
                    return nil
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if first == nil {
                let waiter = state.withLockedValue { $0.waiters.removeValue(forKey: id) }
                waiter?.resume(returning: nil)
            }
            return first
        }
    }
}
