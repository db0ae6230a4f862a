import ArgumentParser
import NIOConcurrencyHelpers
import TeamChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the team comes from and where it is remembered (DESIGN §4): shared by every command that talks to a team.
struct DiscoveryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the team from a JSON roster file.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var roster: String?

    @Option(name: .long, help: ArgumentHelp("Probe HOST:LOW-HIGH in parallel for specialists.", valueName: "host:low-high"))
    var scan: ScanRange?

    @Flag(name: .long, help: "Use the Tekton preset of 18 specialists (the default; honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT).")
    var tekton = false

    @Option(name: .long, help: ArgumentHelp("The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).", valueName: "path"),
            completion: .file(extensions: ["json"]))
    var cache: String?

    @Flag(name: .long, help: "Neither read nor write the cache (and so no circuit breakers).")
    var noCache = false

    @Option(name: .long, help: ArgumentHelp("How long a discovered roster stays fresh.", valueName: "duration"))
    var ttl = DurationArgument(.seconds(60))

    @Option(name: .long, help: ArgumentHelp("The longest reply accepted.", valueName: "size"))
    var maxReply = ByteCountArgument(bytes: 16 * 1024 * 1024)

    func validate() throws {
        if [roster != nil, scan != nil, tekton].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --roster, --scan and --tekton")
        }
        if cache != nil && noCache {
            throw ValidationError("--cache and --no-cache contradict each other")
        }
        if maxReply.bytes < 64 {
            throw ValidationError("--max-reply must be at least 64 bytes")
        }
    }

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The roster source these flags and the environment select.
    func source() throws(RosterError) -> RosterSource {
        if tekton { return .tekton }
        return try RosterSource.select(rosterFile: roster, scan: scan, environment: environment)
    }

    /// A client configured by these flags.
    func makeClient() -> TeamClient {
        TeamClient(configuration: .init(maximumReplyBytes: maxReply.bytes))
    }

    /// The directory of the selected source, through the cache unless `--no-cache`.
    func makeDirectory(client: TeamClient, probe: RoundOptions) throws -> TeamDirectory {
        let source: RosterSource
        do {
            source = try self.source()
        } catch {
            throw fail(ExitStatus.usage, error.message)
        }
        let environment = self.environment  // built from environ on every access: once is enough
        var store: CacheStore?
        if !noCache {
            var path = cache ?? CacheStore.defaultPath(environment: environment)
            if !path.hasPrefix("/") { path = FileManager.default.currentDirectoryPath + "/" + path }
            store = CacheStore(path: path)
        }
        return TeamDirectory(
            source: Self.absolute(source),
            store: store,
            client: client,
            probeOptions: probe,
            ttl: ttl.duration,
            environment: environment,
            onProblem: CacheWarnings.warn
        )
    }

    /// Roster files are named by absolute path in the cache, so the same file from two directories is one source.
    private static func absolute(_ source: RosterSource) -> RosterSource {
        guard case .file(let path) = source, !path.hasPrefix("/") else { return source }
        return .file(FileManager.default.currentDirectoryPath + "/" + path)
    }
}

/// Cache trouble never fails a command: each distinct problem is warned about once on standard error.
enum CacheWarnings {
    private static let said = NIOLockedValueBox<Set<String>>([])

    @Sendable
    static func warn(_ problem: CacheStore.Problem) {
        let first = said.withLockedValue { $0.insert(problem.description).inserted }
        if first { Console.err("teamchat: warning: \(problem.description)") }
    }
}
