import ArgumentParser
import TeamChatLog

/// Where the rounds a command runs are logged (DESIGN §9): the round log, unless told not to.
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log"), help: ArgumentHelp("The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).", valueName: "file"))
    var path: String?

    @Flag(name: .customLong("no-log"), help: "Keep no record of the rounds (also: TEAMCHAT_NO_LOG=1).")
    var off = false

    func validate() throws {
        if path != nil && off { throw ValidationError("--log and --no-log contradict each other") }
    }

    /// The log's path in `environment`, or nil when no log is kept.
    func resolvedPath(environment: [String: String]) -> String? {
        if off { return nil }
        if let path { return path }
        return RoundLog.defaultPath(environment: environment)
    }
}
