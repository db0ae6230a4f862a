import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What Ctrl-C and SIGTERM do at the prompt, by what the session is doing when they arrive: while a line is read,
/// Ctrl-C drops it (a fresh prompt); during a round, it cancels the round; SIGTERM ends the session either way.
final class PromptControl: Sendable {
    private enum Phase {
        case idle
        case reading
        case round(AsyncStream<Void>.Continuation)
    }

    private let state = NIOLockedValueBox<(phase: Phase, terminated: Bool)>((.idle, false))
    private let reader: any PromptReader

    init(reader: any PromptReader) {
        self.reader = reader
    }

    /// Whether SIGTERM arrived: the session ends.
    var terminated: Bool { state.withLockedValue { $0.terminated } }

    /// A signal, from the session's watcher.
    func received(_ signal: Int32) {
        let phase = state.withLockedValue { state in
            if signal == SIGTERM { state.terminated = true }
            return state.phase
        }
        switch phase {
        case .idle: return
        case .reading: reader.interrupt()
        case .round(let interrupt): interrupt.yield()
        }
    }

    /// Reads a line, which Ctrl-C or SIGTERM ends with ``PromptInput/interrupted``.
    func read() async -> PromptInput {
        guard enter(.reading) else { return .interrupted }
        defer { state.withLockedValue { $0.phase = .idle } }
        return await reader.readLine()
    }

    /// Runs `work` (a round) in a child task that Ctrl-C or SIGTERM cancels; the session goes on after it.
    func cancellable(_ work: @escaping @Sendable () async -> Void) async {
        let (interrupts, interrupt) = AsyncStream.makeStream(of: Void.self)
        guard enter(.round(interrupt)) else { return }
        defer { state.withLockedValue { $0.phase = .idle } }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await work()
                return true
            }
            group.addTask {
                for await _ in interrupts { return false }
                return false
            }
            while let finished = await group.next() {
                group.cancelAll()  // the round ends with what it has; or the interrupt watcher stops
                if finished { return }
            }
        }
    }

    /// Moves to `phase`, unless SIGTERM already came.
    private func enter(_ phase: Phase) -> Bool {
        state.withLockedValue { state in
            guard !state.terminated else { return false }
            state.phase = phase
            return true
        }
    }
}
