import ArgumentParser
import TeamChatJudge
import TeamChatModel
import TeamChatRoster

/// The sysexits statuses of DESIGN §3.
enum ExitStatus {
    static let ok: Int32 = 0
    static let usage: Int32 = 64
    static let badInput: Int32 = 65
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let tempFailure: Int32 = 75
    /// A file that must be made cannot be, safely (a control socket's directory open to others): CANTCREAT.
    static let cannotCreate: Int32 = 73
    /// Refused for who we are (an API key, a bus password): sysexits' NOPERM.
    static let noPermission: Int32 = 77
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

/// Ends a command over a roster that cannot be used: 65 for a bad roster file, 64 for a bad flag or variable, 69
/// when what lists the team cannot be reached, 77 when it refused our credentials.
func fail(_ error: RosterError) -> ExitCode {
    let status =
        switch error.kind {
        case .badFile: ExitStatus.badInput
        case .unreachable: ExitStatus.unavailable
        case .unauthorized: ExitStatus.noPermission
        default: ExitStatus.usage
        }
    return fail(status, error.message)
}

/// Folds the summaries of a command's rounds into one exit status: 0 when every round met its quorum; 77 when every
/// failure was a refusal of our credentials; 69 when none that failed could reach a single specialist; 75
/// otherwise, and 75 too when a judge asked for gave no complete answer; 65 when input lines had to be skipped.
struct RoundStatusTracker {
    private var missedQuorum = false
    /// A judge was asked for and gave no complete answer (none could, or it was cut short).
    private var judgeFailed = false
    private var reachedSomeone = false
    private var onlyRefusedCredentials = true
    private(set) var skippedInput = false

    mutating func add(_ result: RoundResult) {
        if let verdict = result.verdict, !verdict.success { judgeFailed = true }
        add(result.summary)
    }

    mutating func add(_ summary: RoundSummary) {
        guard !summary.quorumMet else { return }
        missedQuorum = true
        if !summary.noneReachable { reachedSomeone = true }
        if summary.failures.isEmpty || summary.failures.keys.contains(where: { $0 != .authentication }) {
            onlyRefusedCredentials = false
        }
    }

    mutating func skippedBadInput() {
        skippedInput = true
    }

    var status: Int32 {
        if missedQuorum, onlyRefusedCredentials { return ExitStatus.noPermission }
        if missedQuorum { return reachedSomeone ? ExitStatus.tempFailure : ExitStatus.unavailable }
        if judgeFailed { return ExitStatus.tempFailure }
        return skippedInput ? ExitStatus.badInput : ExitStatus.ok
    }
}
