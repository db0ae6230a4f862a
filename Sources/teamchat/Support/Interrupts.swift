import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT) and SIGTERM as cancellation: rounds in flight are abandoned at once and the command reports
/// what arrived before exiting 130.
enum Interrupts {
    /// Runs `work` in a task that the first SIGINT or SIGTERM cancels; returns its result and whether a signal
    /// cancelled it.
    static func run<Result: Sendable>(
        _ work: @escaping @Sendable () async -> Result
    ) async -> (result: Result, interrupted: Bool) {
        let task = Task { await work() }
        let watcher = Task {
            for await _ in signals() {
                task.cancel()
                return
            }
        }
        let result = await task.value
        watcher.cancel()
        return (result, task.isCancelled)
    }

    /// Returns when SIGINT or SIGTERM arrives.
    static func wait() async {
        for await _ in signals() { return }
    }

    /// SIGINT and SIGTERM as they arrive; their default action (exit) is disabled while the stream lives.
    static func signals() -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let sources = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return SignalSource(source: source)
            }
            continuation.onTermination = { _ in
                for source in sources { source.source.cancel() }
            }
        }
    }
}

/// A dispatch signal source, carried into the stream's termination handler.
private struct SignalSource: @unchecked Sendable {
    // Safe: dispatch sources are thread-safe objects; we only call `cancel()` on it, once, from any thread.
    let source: any DispatchSourceSignal
}
