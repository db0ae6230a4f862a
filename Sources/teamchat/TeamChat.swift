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

            The team comes from --roster FILE, --scan HOST:LOW-HIGH, TEAMCHAT_ROSTER or TEAMCHAT_SCAN, else the \
            Tekton preset (ports 45000-45016 and 45080, moved by TEKTON_AI_PORT_BASE and <NAME>_AI_PORT). NO_COLOR \
            turns colour off.

            Exit status: 0 quorum met, 64 usage error, 65 bad roster file, 69 no specialist reachable or none \
            found, 75 quorum not met, 130 interrupted.

            Examples: teamchat demo; teamchat send "status?"; teamchat send --to apollo,athena --json "plan?"; \
            teamchat fleet --count 18 --base-port 47000 & teamchat send --scan 127.0.0.1:47000-47017 "hi".
            """,
        version: "0.1.0",
        subcommands: [Send.self, Discover.self, Warm.self, Stats.self, Bench.self, FleetCommand.self, Demo.self]
    )
}
