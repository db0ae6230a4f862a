import ArgumentParser
import TeamChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the team comes from (DESIGN §4): shared by every command that talks to a team.
struct DiscoveryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the team from a JSON roster file.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var roster: String?

    @Option(name: .long, help: ArgumentHelp("Probe HOST:LOW-HIGH in parallel for specialists.", valueName: "host:low-high"))
    var scan: ScanRange?

    @Flag(name: .long, help: "Use the Tekton preset of 18 specialists (the default; honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT).")
    var tekton = false

    @Option(name: .long, help: ArgumentHelp("The longest reply accepted.", valueName: "size"))
    var maxReply = ByteCountArgument(bytes: 16 * 1024 * 1024)

    func validate() throws {
        if [roster != nil, scan != nil, tekton].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --roster, --scan and --tekton")
        }
        if maxReply.bytes < 64 {
            throw ValidationError("--max-reply must be at least 64 bytes")
        }
    }

    /// The roster source these flags and the environment select.
    func source(environment: [String: String] = ProcessInfo.processInfo.environment) throws(RosterError) -> RosterSource {
        if tekton { return .tekton }
        return try RosterSource.select(rosterFile: roster, scan: scan, environment: environment)
    }

    /// A client configured by these flags.
    func makeClient() -> TeamClient {
        TeamClient(configuration: .init(maximumReplyBytes: maxReply.bytes))
    }
}
