import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a read at the prompt gave.
enum PromptInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-C (or SIGTERM) while reading: the line being typed is dropped.
    case interrupted
    /// End of input (Ctrl-D on an empty line).
    case end
}

/// Where interactive lines come from: libedit on a terminal, plain lines otherwise.
protocol PromptReader: Sendable {
    /// The next line, or why there is none.
    func readLine() async -> PromptInput
    /// Ends a read in progress (or the next one) with ``PromptInput/interrupted``.
    func interrupt()
    /// The prompt shown before the next line (a terminal only).
    func setPrompt(_ prompt: String)
    func close()
}

/// Plain lines from standard input, no prompt, no editing: the interactive loop without a terminal.
final class PlainLineReader: PromptReader, @unchecked Sendable {
    // Safe: `buffer` and `ended` are touched only on `queue` (a serial queue), one read at a time.
    private let queue = DispatchQueue(label: "teamchat.lines")
    private let waker = InputWaker()
    private var buffer: [UInt8] = []
    private var ended = false

    func readLine() async -> PromptInput {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.nextLine()) }
        }
    }

    func interrupt() {
        waker?.wake()
    }

    func setPrompt(_ prompt: String) {}

    func close() {}

    private func nextLine() -> PromptInput {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return .line(String(decoding: line, as: UTF8.self))
            }
            if ended {
                guard !buffer.isEmpty else { return .end }
                defer { buffer = [] }
                return .line(String(decoding: buffer, as: UTF8.self))
            }
            if let waker, case .woken = waker.wait(for: STDIN_FILENO) { return .interrupted }
            var chunk = [UInt8](repeating: 0, count: 4_096)
            let count = read(STDIN_FILENO, &chunk, chunk.count)
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            if count <= 0 {
                ended = true
            } else {
                buffer += chunk.prefix(count)
            }
        }
    }

    /// Every line of standard input, read ahead on a dispatch thread so that blocking reads never occupy the
    /// cooperative pool that runs the rounds (for pipelines: a round per line).
    static func lines() -> AsyncStream<String> {
        AsyncStream { continuation in
            DispatchQueue.global().async {
                while let line = Swift.readLine(strippingNewline: true) {
                    if case .terminated = continuation.yield(line) { return }
                }
                continuation.finish()
            }
        }
    }
}
