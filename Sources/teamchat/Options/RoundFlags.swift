import ArgumentParser
import TeamChatEngine

/// Budgets of a round: shared by `send` and the commands that probe.
struct RoundFlags: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long each specialist may take to reply, from its own send.", valueName: "duration"))
    var timeout = DurationArgument(.seconds(2))

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long a connection attempt may take.", valueName: "duration"))
    var connectTimeout = DurationArgument(.milliseconds(500))

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long the whole round may take (default: timeout + connect timeout).", valueName: "duration"))
    var deadline: DurationArgument?

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
}
