import Dispatch
import TeamChatCore

/// The interactive prompt: each line typed is one round.
enum Prompt {
    /// Lines typed at a `teamchat›` prompt on standard error (so that standard output carries only answers).
    static func lines(team: [Specialist]) -> AsyncStream<String> {
        Console.err("teamchat: \(team.count) specialists; type a message, Ctrl-D to quit.")
        return AsyncStream { continuation in
            DispatchQueue.global().async {
                while true {
                    Console.errRaw("teamchat› ")
                    guard let line = readLine(strippingNewline: true) else { break }
                    if case .terminated = continuation.yield(line) { return }
                }
                Console.errRaw("\n")
                continuation.finish()
            }
        }
    }
}
