/// A round started with ``RoundEngine/start(_:to:options:health:breakers:deliver:)``: what its starter keeps to
/// abandon it.
public struct RoundHandle: Sendable {
    private let runner: RoundRunner

    init(_ runner: RoundRunner) {
        self.runner = runner
    }

    /// Abandons every exchange still running: each is reported `cancelled`, then the summary comes. Harmless once
    /// the round is over.
    public func cancel() {
        runner.cancel()
    }

    /// ``cancel()`` on the round's event loop, a moment later: for a task's cancellation handler, which must not
    /// take the round's lock (``RoundRunner/cancelFromTermination()``).
    func cancelFromHandler() {
        runner.cancelFromTermination()
    }
}
