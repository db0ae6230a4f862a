import ArgumentParser
import TeamChatEngine
import TeamChatSession

/// The sysexits statuses of DESIGN §3.
enum ExitStatus {
    static let ok: Int32 = 0
    static let usage: Int32 = 64
    static let badInput: Int32 = 65
    static let unavailable: Int32 = 69
    static let tempFailure: Int32 = 75
    static let interrupted: Int32 = 130
}

/// Ends a command: prints `teamchat: message` on standard error and exits with `status`.
func fail(_ status: Int32, _ message: String) -> ExitCode {
    Console.err("teamchat: \(message)")
    if status == ExitStatus.usage {
        Console.err("Run 'teamchat help' for usage.")
    }
    return ExitCode(status)
}

/// Ends a command over a roster that cannot be used: 65 for a bad roster file, 64 for a bad flag or variable.
func fail(_ error: RosterError) -> ExitCode {
    fail(error.kind == .badFile ? ExitStatus.badInput : ExitStatus.usage, error.message)
}

/// Folds the summaries of a command's rounds into one exit status: 0 when every round met its quorum; 69 when
/// none that failed could reach a single specialist; 75 otherwise; 65 when input lines had to be skipped.
struct RoundStatusTracker {
    private var missedQuorum = false
    private var reachedSomeone = false
    private(set) var skippedInput = false

    mutating func add(_ summary: RoundSummary) {
        guard !summary.quorumMet else { return }
        missedQuorum = true
        if !summary.noneReachable { reachedSomeone = true }
    }

    mutating func skippedBadInput() {
        skippedInput = true
    }

    var status: Int32 {
        if missedQuorum { return reachedSomeone ? ExitStatus.tempFailure : ExitStatus.unavailable }
        return skippedInput ? ExitStatus.badInput : ExitStatus.ok
    }
}
