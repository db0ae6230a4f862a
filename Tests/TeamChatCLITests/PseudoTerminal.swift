import CTestTerminal
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair: the child gets the terminal side as its standard streams (so it sees a TTY and starts
/// libedit); the test types into and reads from the controlling side.
final class PseudoTerminal: @unchecked Sendable {
    // Safe: `output` is only touched under `condition`; the file descriptors are written only by the test's task
    // and read only by the reader thread.
    let controller: Int32
    let terminal: FileHandle
    private var output = Data()
    private let condition = NSCondition()

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
                if count <= 0 { break }
                condition.lock()
                output.append(contentsOf: buffer[0..<count])
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Starts the built teamchat with `arguments` on this terminal as its three standard streams, as a person
    /// would at an xterm (colour off, so that the tests read plain text), with `environment` added. With `launcher`
    /// (a program and its arguments), that program is started instead, with the binary and `arguments` after its own.
    func launch(
        _ arguments: [String], environment extra: [String: String] = [:], launcher: [String] = []
    ) throws -> Process {
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = launcher.dropFirst() + [BinaryRunner.binary.path] + arguments
        } else {
            process.executableURL = BinaryRunner.binary
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        environment["NO_COLOR"] = "1"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        return process
    }

    /// Types `text` as if on a keyboard.
    func type(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(controller, $0.baseAddress, $0.count - 1) }
    }

    /// Everything the child wrote so far.
    var screen: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: output, as: UTF8.self)
    }

    /// Waits until the child's output contains `text` `times` times, or fails after `limit` (a bound for a broken
    /// build, not a timing assumption: each wait ends at the event it waits for).
    @discardableResult
    func waitFor(_ text: String, times: Int = 1, limit: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        condition.lock()
        defer { condition.unlock() }
        while String(decoding: output, as: UTF8.self).components(separatedBy: text).count - 1 < times {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }

    /// Waits until `text` appears after the last `marker` (a prompt after a round's summary, say: a prompt drawn
    /// again while typing does not count).
    @discardableResult
    func waitFor(_ text: String, after marker: String, limit: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        condition.lock()
        defer { condition.unlock() }
        while true {
            let screen = String(decoding: output, as: UTF8.self)
            if let range = screen.range(of: marker, options: .backwards), screen[range.upperBound...].contains(text) {
                return true
            }
            if !condition.wait(until: deadline) { return false }
        }
    }
}

extension Process {
    /// Waits for the process to exit, for at most `limit` (a bound for a broken build, not a timing assumption);
    /// past it the process is killed, so that a hung child fails its test instead of hanging the suite.
    func exits(within limit: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while isRunning, Date() < deadline { usleep(5_000) }
        guard isRunning else {
            waitUntilExit()
            return true
        }
        kill(processIdentifier, SIGKILL)
        waitUntilExit()
        return false
    }
}
