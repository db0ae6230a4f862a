import NIOConcurrencyHelpers
import TeamChatModel

/// A transient line on standard error that rewrites itself — progress of a long command, who a round still waits
/// for — and is erased when the work ends. Drawn only when standard error is a terminal (never on a pipe, never
/// into a log), at most ten times a second, cut to the terminal's width, sanitised like every message.
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let state = NIOLockedValueBox<(last: ContinuousClock.Instant?, drawn: Bool)>((nil, false))

    /// - Parameter enabled: false for `--json` and the like; standard error must be a terminal too.
    init(enabled: Bool = true, environment: [String: String] = ProcessEnvironment.current) {
        self.enabled = enabled && Console.stderrIsTerminal && environment["TERM"] != "dumb" && !OutputSettings.now.quiet
    }

    /// Whether anything will be drawn (standard error is a terminal, and it was asked for).
    var isEnabled: Bool { enabled }

    /// Shows `text`, unless the line was drawn less than 100 ms ago (`force`: draw anyway).
    @Sendable
    func show(_ text: String, force: Bool = false) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let due = state.withLockedValue { state -> Bool in
            guard force || state.last.map({ $0.duration(to: now) >= .milliseconds(100) }) ?? true else { return false }
            state.last = now
            state.drawn = true
            return true
        }
        guard due else { return }
        let width = max(20, (Console.errorTerminalWidth ?? 80) - 1)
        var line = TerminalSanitizer.sanitizeLine(text)
        if line.count > width { line = String(line.prefix(width - 1)) + "…" }
        Console.errRaw("\r\u{1B}[K" + line)
    }

    /// Erases the line if it is drawn (before other output, and at the end).
    func erase() {
        guard enabled else { return }
        let drawn = state.withLockedValue { state -> Bool in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn { Console.errRaw("\r\u{1B}[K") }
    }

    /// Runs `work`, showing `text(elapsed)` every 100 ms while it runs, then erases the line.
    func ticking<Result: Sendable>(
        _ text: @escaping @Sendable (Duration) -> String, _ work: @escaping @Sendable () async -> Result
    ) async -> Result {
        guard enabled else { return await work() }
        let started = ContinuousClock.now
        let result = await withTaskGroup(of: Result?.self) { group in
            group.addTask { await work() }
            group.addTask {
                while (try? await Task.sleep(for: .milliseconds(100))) != nil {
                    self.show(text(started.duration(to: .now)))
                }
                return nil
            }
            var result: Result?
            while let finished = await group.next() {
                if let finished {
                    result = finished
                    group.cancelAll()  // stops the ticker
                }
            }
            return result
        }
        erase()
        guard let result else { preconditionFailure("the work always finishes") }
        return result
    }
}
