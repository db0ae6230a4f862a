import CTestTerminal
import Foundation
import NIOConcurrencyHelpers
import TeamChatTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair: the child gets the terminal side as its standard streams (so it sees a TTY and starts
/// libedit); the test types into and reads from the controlling side. What the child writes is read by a thread of
/// its own; a test awaits the text it expects, never blocking a thread of the cooperative pool.
final class PseudoTerminal: Sendable {
    private struct State {
        var output = Data()
        var ended = false
        var waiters: [Int: (holds: @Sendable (String) -> Bool, continuation: CheckedContinuation<Bool, Never>)] = [:]
        var nextWaiter = 0
    }

    let controller: Int32
    let terminal: FileHandle
    private let state = NIOLockedValueBox(State())

    init() throws {
        var name = [CChar](repeating: 0, count: 256)
        controller = teamchat_open_pty(&name, name.count, 30, 120)
        guard controller >= 0 else { throw CocoaError(.fileReadUnknown) }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let terminalDescriptor = open(path, O_RDWR | O_NOCTTY)
        guard terminalDescriptor >= 0 else { throw CocoaError(.fileReadUnknown) }
        terminal = FileHandle(fileDescriptor: terminalDescriptor, closeOnDealloc: true)
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(controller, &buffer, buffer.count)
                let ready = state.withLockedValue { state -> [(CheckedContinuation<Bool, Never>, Bool)] in
                    if count <= 0 { state.ended = true } else { state.output.append(contentsOf: buffer[0..<count]) }
                    let screen = String(decoding: state.output, as: UTF8.self)
                    var ready: [(CheckedContinuation<Bool, Never>, Bool)] = []
                    for (id, waiter) in state.waiters {
                        let holds = waiter.holds(screen)
                        guard holds || state.ended else { continue }
                        state.waiters[id] = nil
                        ready.append((waiter.continuation, holds))
                    }
                    return ready
                }
                for (continuation, holds) in ready { continuation.resume(returning: holds) }
                if count <= 0 { break }
            }
        }
    }

    /// Starts the built teamchat with `arguments` on this terminal as its three standard streams, as a person
    /// would at an xterm (colour off, so that the tests read plain text), with `environment` added. With `launcher`
    /// (a program and its arguments), that program is started instead, with the binary and `arguments` after its own.
    func launch(
        _ arguments: [String], environment extra: [String: String] = [:], launcher: [String] = []
    ) throws -> ChildProcess {
        var environment: [String: String?] = ["TERM": "xterm", "NO_COLOR": "1", "TEAMCHAT_NO_LOG": "1"]
        for (key, value) in extra { environment[key] = value }
        let program = launcher.first ?? BinaryRunner.binary.path
        let all = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [BinaryRunner.binary.path] + arguments
        return try ChildProcess.launch(
            program, all, environment: environment, output: .handle(terminal), error: .handle(terminal))
    }

    /// Types `text` as if on a keyboard.
    func type(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(controller, $0.baseAddress, $0.count - 1) }
    }

    /// Everything the child wrote so far.
    var screen: String {
        state.withLockedValue { String(decoding: $0.output, as: UTF8.self) }
    }

    /// Waits until the child's output contains `text` `times` times, or fails after `limit` (a bound for a broken
    /// build, not a timing assumption: each wait ends at the event it waits for).
    @discardableResult
    func waitFor(_ text: String, times: Int = 1, limit: Duration = .seconds(20)) async -> Bool {
        await wait(limit: limit) { $0.components(separatedBy: text).count - 1 >= times }
    }

    /// Waits until `text` appears after the last `marker` (a prompt after a round's summary, say: a prompt drawn
    /// again while typing does not count).
    @discardableResult
    func waitFor(_ text: String, after marker: String, limit: Duration = .seconds(20)) async -> Bool {
        await wait(limit: limit) { screen in
            guard let range = screen.range(of: marker, options: .backwards) else { return false }
            return screen[range.upperBound...].contains(text)
        }
    }

    /// Waits until `holds` is true of the screen (true), or the terminal ended or `limit` passed first (false).
    private func wait(limit: Duration, until holds: @escaping @Sendable (String) -> Bool) async -> Bool {
        let id = state.withLockedValue { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let now = self.state.withLockedValue { state -> Bool? in
                        let screen = String(decoding: state.output, as: UTF8.self)
                        if holds(screen) { return true }
                        if state.ended { return false }
                        state.waiters[id] = (holds, continuation)
                        return nil
                    }
                    if let now { continuation.resume(returning: now) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            // Whichever came first, the other side is let go: a waiter still registered is resumed (exactly once:
            // whoever takes it out of the table resumes it).
            let waiter = state.withLockedValue { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(returning: false)
            return first
        }
    }
}
