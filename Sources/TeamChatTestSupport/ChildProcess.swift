import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// A child process of a test whose end, and whose output, are awaited: nothing here ever waits on a thread of the
/// cooperative pool (which the in-process servers of every other test need), so that one `swift test` can run
/// every suite at once. Its end is reported by Foundation's own termination monitoring; its pipes are drained by
/// threads of their own.
public final class ChildProcess: Sendable {
    /// Where a standard stream goes.
    public enum Stream {
        /// Read to its end and kept (``output``, ``errorOutput``).
        case collected
        /// `/dev/null`.
        case discarded
        /// This file handle (a terminal, say).
        case handle(FileHandle)
    }

    /// Configured and started in `launch` before anyone else can see it; after that only its thread-safe members
    /// (`processIdentifier`, `isRunning`) are used.
    private let process: Process
    private let ended = AsyncLatch<Termination>()
    private let collectedOutput: PipeCollector?
    private let collectedError: PipeCollector?
    private let input: FileHandle?

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Whether it still runs.
    public var isRunning: Bool { process.isRunning }

    /// Starts `executable` with `arguments`, in the test runner's environment with `environment` laid over it (a
    /// `nil` value removes a variable).
    public static func launch(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String?] = [:],
        input: String? = nil,
        keepInputOpen: Bool = false,
        output: Stream = .collected,
        error: Stream = .collected
    ) throws -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        func prepare(_ stream: Stream) -> (Any, PipeCollector?) {
            switch stream {
            case .collected:
                let pipe = Pipe()
                return (pipe, PipeCollector(pipe.fileHandleForReading))
            case .discarded: return (FileHandle.nullDevice, nil)
            case .handle(let handle): return (handle, nil)
            }
        }
        let (out, outCollector) = prepare(output)
        let (err, errCollector) = prepare(error)
        process.standardOutput = out
        process.standardError = err
        var writer: FileHandle?
        if case .handle(let handle) = output, input == nil, !keepInputOpen {
            process.standardInput = handle  // a terminal: the same device for all three
        } else {
            let pipe = Pipe()
            process.standardInput = pipe
            writer = pipe.fileHandleForWriting
        }
        let child = ChildProcess(process: process, output: outCollector, error: errCollector, input: writer)
        process.terminationHandler = { [ended = child.ended] finished in
            ended.resolve(Termination(
                status: finished.terminationStatus, bySignal: finished.terminationReason == .uncaughtSignal))
        }
        try process.run()
        outCollector?.start()
        errCollector?.start()
        if let writer {
            // A child may end without reading its input (a usage error, say): the broken pipe is then no failure.
            if let input { child.write(input) }
            if !keepInputOpen { try? writer.close() }
        }
        return child
    }

    /// How a child that ran to its end ended, and what it wrote.
    public struct Finished: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` to its end (see ``launch(_:_:environment:input:keepInputOpen:output:error:)``).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:], input: String? = nil
    ) async throws -> Finished {
        let child = try launch(executable, arguments, environment: environment, input: input)
        let stdout = await child.output()
        let stderr = await child.errorOutput()
        return Finished(status: await child.status(), stdout: stdout, stderr: stderr)
    }

    private init(process: Process, output: PipeCollector?, error: PipeCollector?, input: FileHandle?) {
        self.process = process
        self.collectedOutput = output
        self.collectedError = error
        self.input = input
    }

    /// Writes `text` to the child's standard input (launched with `keepInputOpen`); false when it could not, as when
    /// the child has already ended (a broken pipe: Foundation's non-throwing `write` would trap on it and take the
    /// whole test process down).
    @discardableResult
    public func write(_ text: String) -> Bool {
        guard let input else { return false }
        return (try? input.write(contentsOf: Data(text.utf8))) != nil
    }

    /// Closes the child's standard input: it reads end-of-file.
    public func closeInput() {
        try? input?.close()
    }

    /// Sends `signal` (while the child runs).
    public func signal(_ signal: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    /// How a child ended: its exit status, or the signal that ended it.
    public struct Termination: Sendable, Hashable {
        /// The exit status, or the signal's number when ``bySignal``.
        public var status: Int32
        public var bySignal: Bool

        public init(status: Int32, bySignal: Bool) {
            self.status = status
            self.bySignal = bySignal
        }
    }

    /// Its exit status, once it exited (the signal's number when a signal ended it: see ``termination()``).
    public func status() async -> Int32 {
        await ended.value().status
    }

    /// How it ended, once it did.
    public func termination() async -> Termination {
        await ended.value()
    }

    /// Waits for the child to exit, for at most `limit` (a bound for a broken build, not a timing assumption); past
    /// it the child is killed, so that a hung child fails its test instead of hanging the suite.
    public func exits(within limit: Duration = .seconds(20)) async -> Bool {
        if await ended.value(within: limit) != nil { return true }
        signal(SIGKILL)
        _ = await ended.value()
        return false
    }

    /// Everything it wrote to standard output (launched with `.collected`), once it closed it.
    public func output() async -> String {
        String(decoding: await collectedOutput?.data() ?? Data(), as: UTF8.self)
    }

    /// What it wrote to standard output so far, once that contains `text` (or once it closed its output: then
    /// without it).
    public func output(containing text: String) async -> String {
        let wanted = Data(text.utf8)
        let data = await collectedOutput?.data(until: { $0.range(of: wanted) != nil }) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// What it wrote to standard error so far, once that contains `text` (or once it closed it: then without it).
    public func errorOutput(containing text: String) async -> String {
        let wanted = Data(text.utf8)
        let data = await collectedError?.data(until: { $0.range(of: wanted) != nil }) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Everything it wrote to standard error (launched with `.collected`), once it closed it.
    public func errorOutput() async -> String {
        String(decoding: await collectedError?.data() ?? Data(), as: UTF8.self)
    }

    /// Kills it, if it still runs, and waits for its end.
    public func kill() async {
        signal(SIGKILL)
        _ = await ended.value()
    }
}

/// Drains a pipe to its end on a thread of its own, keeping what came so far for those who wait for a part of it.
final class PipeCollector: Sendable {
    private struct State {
        var data = Data()
        var ended = false
        var waiters: [(until: @Sendable (Data) -> Bool, continuation: CheckedContinuation<Data, Never>)] = []
    }

    private let handle: FileHandle
    private let state = NIOLockedValueBox(State())

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    func start() {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableDataRetryingInterrupts
                let ready = state.withLockedValue { state -> [(CheckedContinuation<Data, Never>, Data)] in
                    if chunk.isEmpty { state.ended = true } else { state.data.append(chunk) }
                    var ready: [(CheckedContinuation<Data, Never>, Data)] = []
                    state.waiters.removeAll { waiter in
                        guard state.ended || waiter.until(state.data) else { return false }
                        ready.append((waiter.continuation, state.data))
                        return true
                    }
                    return ready
                }
                for (continuation, data) in ready { continuation.resume(returning: data) }
                if chunk.isEmpty { return }
            }
        }
    }

    /// What came until `until` holds for it, or everything once the pipe ended.
    func data(until: @escaping @Sendable (Data) -> Bool = { _ in false }) async -> Data {
        await withCheckedContinuation { continuation in
            let now = state.withLockedValue { state -> Data? in
                if state.ended || until(state.data) { return state.data }
                state.waiters.append((until, continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }
}
