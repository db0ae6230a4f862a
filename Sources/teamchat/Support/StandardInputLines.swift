import Dispatch

/// Standard input as a stream of lines, read on a dispatch thread so that blocking reads never occupy the
/// cooperative pool that runs the rounds.
enum StandardInputLines {
    static func stream() -> AsyncStream<String> {
        AsyncStream { continuation in
            DispatchQueue.global().async {
                while let line = readLine(strippingNewline: true) {
                    if case .terminated = continuation.yield(line) { return }
                }
                continuation.finish()
            }
        }
    }
}
