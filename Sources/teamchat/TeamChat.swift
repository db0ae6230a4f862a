import ArgumentParser

/// The `teamchat` command.
@main
struct TeamChat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teamchat",
        abstract: "Ask a whole team of AI specialists at once, fast.",
        discussion: """
            teamchat sends one message to every specialist of a team (socket services speaking newline-delimited \
            JSON, like Tekton's Greek Chorus) over pooled connections, prints every answer the moment it arrives, \
            and never lets a slow, dead or misbehaving specialist delay anyone else's answer.

            Exit status: 0 quorum met, 64 usage error, 65 bad roster file, 69 no specialist reachable or none \
            found, 75 quorum not met, 130 interrupted.
            """,
        version: "0.1.0",
        subcommands: [Send.self, FleetCommand.self, Demo.self]
    )
}
