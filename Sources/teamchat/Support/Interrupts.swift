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
        // The stream installs its handlers synchronously, here: a signal can never slip in before they exist.
        let incoming = signals()
        let task = Task { await work() }
        let watcher = Task {
            for await _ in incoming {
                task.cancel()
                return
            }
        }
        let result = await task.value
        watcher.cancel()
        return (result, task.isCancelled)
    }

    /// SIGINT and SIGTERM as they arrive; their default action (exit) is disabled while the stream lives. The
    /// handlers are installed when this returns, so a signal sent after it is never lost.
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
