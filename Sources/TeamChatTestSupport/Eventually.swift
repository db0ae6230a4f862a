/// Waits until `condition` holds, looking again every millisecond, for at most `limit`: for what another event loop
/// updates a moment after the test saw its own side of the same event (a server's accept after the client's
/// connect, a count after a close). Returns false when the time is up, so that a condition that never comes fails
/// its test rather than hanging the suite.
public func eventually(within limit: Duration = .seconds(10), _ condition: () throws -> Bool) async rethrows -> Bool {
    try await eventually(within: limit) { () async throws -> Bool in try condition() }
}

/// The same for a condition that has to ask someone (a server, a bus, a process): asked again a millisecond after
/// each answer, until it holds or `limit` is up. An error from asking ends the wait with that error.
public func eventually(
    within limit: Duration = .seconds(10), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let giveUp = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < giveUp else { return false }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return true
}
