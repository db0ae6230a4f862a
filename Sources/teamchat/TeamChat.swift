import ArgumentParser

/// The `teamchat` command (started by ``Entry``).
struct TeamChat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teamchat",
        abstract: "Ask a whole team of AI specialists at once, fast.",
        discussion: """
            teamchat sends one message to every specialist of a team (socket services speaking newline-delimited \
            JSON, like Tekton's Greek Chorus) over pooled connections, prints every answer the moment it arrives, \
            and never lets a slow, dead or misbehaving specialist delay anyone else's answer.
            """,
        version: "0.1.0",
        subcommands: [Send.self, Discover.self, Warm.self, Stats.self, Log.self, Teams.self, Doctor.self, Completion.self, Serve.self, Bridge.self, Collect.self, Bench.self, FleetCommand.self, Demo.self]
    )
}
