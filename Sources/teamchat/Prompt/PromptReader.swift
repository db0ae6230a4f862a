import Dispatch

/// Where interactive lines come from: libedit on a terminal, plain lines otherwise.
protocol PromptReader: Sendable {
    /// The next line; `nil` at end of input.
    func readLine() async -> String?
    func close()
}

extension LineEditor: PromptReader {}

/// Plain lines from standard input, no prompt, no editing: the interactive loop without a terminal.
struct PlainLineReader: PromptReader {
    func readLine() async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Swift.readLine(strippingNewline: true))
            }
        }
    }

    func close() {}

    /// Every line of standard input, read ahead on a dispatch thread so that blocking reads never occupy the
    /// cooperative pool that runs the rounds (for pipelines: a round per line).
    func lines() -> AsyncStream<String> {
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
