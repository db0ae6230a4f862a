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
    private enum Finished<Result: Sendable>: Sendable {
        case work(Result)
        case signal
        case watchEnded
    }

    /// Runs `work` in a child task that the first SIGINT or SIGTERM cancels; returns its result (what it made of
    /// the cancellation: what arrived so far) and whether a signal cancelled it.
    static func run<Result: Sendable>(
        _ work: @escaping @Sendable () async -> Result
    ) async -> (result: Result, interrupted: Bool) {
        // The stream installs its handlers synchronously, here: a signal can never slip in before they exist.
        let incoming = signals()
        return await withTaskGroup(of: Finished<Result>.self) { group in
            group.addTask { .work(await work()) }
            group.addTask {
                for await _ in incoming { return .signal }
                return .watchEnded
            }
            var interrupted = false
            while let finished = await group.next() {
                switch finished {
                case .work(let result):
                    group.cancelAll()  // stops the watcher
                    return (result, interrupted)
                case .signal:
                    interrupted = true
                    group.cancelAll()  // the work sees it and ends with what it has
                case .watchEnded:
                    continue
                }
            }
            preconditionFailure("the work task always finishes")
        }
    }

    /// SIGINT and SIGTERM as they arrive; their default action (exit) is replaced while the stream lives. The
    /// handlers are installed before this returns, so a signal sent after it is never lost. One stream at a time.
    ///
    /// A plain signal handler writing to a pipe (the self-pipe trick), not a dispatch signal source: on Linux a
    /// dispatch source registers asynchronously and relies on the signal being blocked in the thread that receives
    /// it, so a Ctrl-C right after start-up could be dropped.
    static func signals() -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let pipe = SignalPipe.shared
            let source = DispatchSource.makeReadSource(fileDescriptor: pipe.readEnd, queue: .global())
            source.setEventHandler {
                var bytes = [UInt8](repeating: 0, count: 16)
                let count = read(pipe.readEnd, &bytes, bytes.count)
                for byte in bytes.prefix(max(0, count)) { continuation.yield(Int32(byte)) }
            }
            source.resume()
            for number in [SIGINT, SIGTERM] { signal(number, forwardSignal) }
            let held = ReadSource(source: source)
            continuation.onTermination = { _ in
                for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
                held.source.cancel()
            }
        }
    }
}

/// The pipe signal handlers write to; created once, never closed.
private struct SignalPipe: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    static let shared: SignalPipe = {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatalError("teamchat: cannot create a pipe for signals") }
        for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
        signalWriteEnd = ends[1]
        // A parent may have started us with SIGINT and SIGTERM blocked (test runners, some supervisors), and every
        // thread inherits that: the handlers would never run. One thread of our own, alive as long as the process,
        // unblocks them and waits, so the kernel always has a thread to deliver them to (unblocking them in a pool
        // thread was not enough: the pool retires idle threads, and the signal then stayed pending for ever).
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { _ in
            var unblock = sigset_t()
            sigemptyset(&unblock)
            sigaddset(&unblock, SIGINT)
            sigaddset(&unblock, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
            while true { pause() }
        }, nil)
        return SignalPipe(readEnd: ends[0], writeEnd: ends[1])
    }()
}

/// The write end of the signal pipe, for the handler, which can capture nothing.
// Safe: written once, in `SignalPipe.shared`'s initialiser, before any handler that reads it is installed.
nonisolated(unsafe) private var signalWriteEnd: Int32 = -1

/// The signal handler: only write(2), which is async-signal-safe.
private func forwardSignal(_ number: Int32) {
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalWriteEnd, &byte, 1)
}

/// A dispatch read source, carried into the stream's termination handler.
private struct ReadSource: @unchecked Sendable {
    // Safe: dispatch sources are thread-safe objects; we only call `cancel()` on it, once, from any thread.
    let source: any DispatchSourceRead
}
