import ArgumentParser
import TeamChatModel
import TeamChatRoster

/// Budgets of a round: shared by `send` and the commands that probe.
struct RoundFlags: ParsableArguments {
    @Option(name: .customLong("timeout"), parsing: .unconditional, help: ArgumentHelp("How long each specialist may take to reply, from its own send; a named team may set its own (default: 2s).", valueName: "duration"))
    var timeoutGiven: DurationArgument?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long a connection attempt may take.", valueName: "duration"))
    var connectTimeout = DurationArgument(.milliseconds(500))

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long the whole round may take; a named team may set its own (default: timeout + connect timeout).", valueName: "duration"))
    var deadline: DurationArgument?

    /// The reply timeout given, else 2 s.
    var timeout: DurationArgument { timeoutGiven ?? DurationArgument(.seconds(2)) }

    func validate() throws {
        for (name, value) in [("--timeout", timeout), ("--connect-timeout", connectTimeout)] where value.duration <= .zero {
            throw ValidationError("\(name) must be positive")
        }
        if let deadline, deadline.duration <= .zero {
            throw ValidationError("--deadline must be positive")
        }
    }

    var options: RoundOptions {
        RoundOptions(timeout: timeout.duration, connectTimeout: connectTimeout.duration, deadline: deadline?.duration)
    }

    /// The budgets with a named team's where these flags name none.
    func options(team: NamedTeam?) -> RoundOptions {
        RoundOptions(
            timeout: timeoutGiven?.duration ?? team?.timeout ?? .seconds(2), connectTimeout: connectTimeout.duration,
            deadline: deadline?.duration ?? team?.deadline)
    }
}
