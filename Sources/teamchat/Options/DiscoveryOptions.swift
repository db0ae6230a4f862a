import ArgumentParser
import Logging
import NIOConcurrencyHelpers
import TeamChatBus
import TeamChatEngine
import TeamChatModel
import TeamChatOpenAI
import TeamChatRedis
import TeamChatRoster
import TeamChatSession
import TeamChatTekton

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

    @Option(name: .long, help: ArgumentHelp("Ask every model an OpenAI-compatible API lists (GET URL/models), e.g. http://127.0.0.1:11434/v1.", valueName: "url"))
    var openai: String?

    @Option(name: .long, help: ArgumentHelp("With --openai: only models whose name matches this glob (e.g. 'llama*').", valueName: "glob"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("With --openai: the environment variable holding the API key (sent as a bearer token, never shown or stored).", valueName: "variable"))
    var apiKeyEnv: String?

    @Option(name: .long, help: ArgumentHelp("The specialists the bridges on a Redis bus publish: redis://[user:password@]HOST:PORT/TEAM, rediss://… for TLS, redis+unix:///path/redis.sock?team=TEAM (teamchat bridge: where to publish).", valueName: "url"))
    var bus: String?

    @Option(name: .long, help: ArgumentHelp("A team named in teams.json: its source, members, overrides, judge and budgets.", valueName: "name"),
            completion: .custom(TeamCompletion.names))
    var team: String?

    @Option(name: .long, help: ArgumentHelp("The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var config: String?

    @Flag(name: .long, help: "Use the Tekton preset of 18 specialists (honours TEKTON_AI_PORT_BASE and <NAME>_AI_PORT; the default when no source was used before).")
    var tekton = false

    @Option(name: .long, help: ArgumentHelp("The cache file (default: $TEAMCHAT_CACHE, else $XDG_CACHE_HOME/teamchat/specialists.json).", valueName: "path"),
            completion: .file(extensions: ["json"]))
    var cache: String?

    @Flag(name: .long, help: "Neither read nor write the cache (so nothing is remembered between runs).")
    var noCache = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long a discovered roster stays fresh.", valueName: "duration"))
    var ttl = DurationArgument(.seconds(60))

    @Option(name: .long, help: ArgumentHelp("The longest reply accepted.", valueName: "size"))
    var maxReply = ByteCountArgument(bytes: 16 * 1024 * 1024)

    @Option(name: .long, help: ArgumentHelp("Trust this CA certificate (PEM) for https:// specialists, besides the system's (default: $SSL_CERT_FILE).", valueName: "file"),
            completion: .file())
    var caFile: String?

    func validate() throws {
        // --bus with another source is checked where it is read: for `bridge` it says where to publish that team.
        if [roster != nil, scan != nil, openai != nil, tekton, team != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --team, --roster, --scan, --openai, --bus and --tekton")
        }
        if let bus, case .failure(let problem) = RedisURL.parse(bus) {
            throw ValidationError("--bus: \(problem)")
        }
        if let openai, HTTPOrigin(parsing: openai) == nil {
            throw ValidationError("--openai '\(openai)' is not an http:// or https:// URL")
        }
        if openai == nil, model != nil || apiKeyEnv != nil {
            throw ValidationError("--model and --api-key-env go with --openai")
        }
        if cache != nil && noCache {
            throw ValidationError("--cache and --no-cache contradict each other")
        }
        if maxReply.bytes < 64 {
            throw ValidationError("--max-reply must be at least 64 bytes")
        }
    }

    var environment: [String: String] { ProcessEnvironment.current }

    /// Set by `teamchat bridge`, for which `--bus` says where to publish the team, not where the team is.
    var busIsTarget = false

    /// `--bus`, parsed (validated already), with the password the environment gives a bus named without one.
    var busURL: RedisURL? {
        bus.flatMap { try? RedisURL.parse($0).get() }.map { BusCredentials.apply(to: $0, environment: environment) }
    }

    /// The bus transport for `url` (its password from the environment when it names none), signing as the
    /// environment says.
    func busTransport(_ url: RedisURL, logger: Logger) -> BusTransport {
        let url = BusCredentials.apply(to: url, environment: environment)
        BusCredentials.warnIfOnCommandLine(bus)
        return BusTransport(url: url, signer: BusCredentials.signer(environment: environment, bus: url), logger: logger)
    }

    /// Where `--config` or the environment says the named teams are.
    var teamsPath: String? {
        config.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
            ?? TeamsFile.defaultPath(environment: environment)
    }

    /// The team `--team` names, read from the teams file; nil without `--team`. An unknown name is a usage error
    /// (64) that lists the names there are; a file that cannot be read or is wrong, 66 or 65 with its line and key.
    func namedTeam() throws -> NamedTeam? {
        guard let team else { return nil }
        guard let path = teamsPath else { throw fail(ExitStatus.usage, "--team: no teams file (give --config FILE)") }
        guard FileManager.default.fileExists(atPath: path) else {
            throw fail(ExitStatus.noInput, "--team \(team): there is no teams file at \(path)")
        }
        let teams: [NamedTeam]
        do {
            teams = try TeamsFile.load(path: path)
        } catch {
            throw fail(ExitStatus.badInput, error.message)
        }
        guard let named = teams.first(where: { $0.name == team }) else {
            throw fail(
                ExitStatus.usage,
                "--team: no team '\(TerminalSanitizer.sanitizeLine(team))' in \(path) (there: "
                    + (teams.isEmpty ? "none" : teams.map(\.name).joined(separator: ", ")) + ")")
        }
        return named
    }

    /// The prices per model of the teams file, when there is one (65 with the line when they are wrong).
    func prices() throws -> [String: ModelPrice] {
        guard let path = teamsPath, FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            return try TeamsFile.prices(path: path)
        } catch {
            throw fail(ExitStatus.badInput, error.message)
        }
    }

    /// The roster source these flags and the environment name, if any (roster files by absolute path, so that the
    /// same file from two directories is one source).
    func source(environment: [String: String]) throws -> RosterSource? {
        if let named = try namedTeam() {
            guard bus == nil || busIsTarget else {
                throw fail(ExitStatus.usage, "--team names its own source: drop --bus")
            }
            return named.source
        }
        if !busIsTarget, let busURL {
            guard roster == nil, scan == nil, openai == nil, !tekton else {
                throw fail(ExitStatus.usage, "choose one of --roster, --scan, --openai, --bus and --tekton")
            }
            return .bus(busURL.description)
        }
        if tekton { return .tekton }
        do {
            let openAI = openai.flatMap(HTTPOrigin.init(parsing:)).map {
                OpenAISource(origin: $0, models: model, apiKeyVariable: apiKeyEnv)
            }
            let source = try RosterSource.select(
                rosterFile: roster, scan: scan, openAI: openAI, environment: environment)
            guard case .file(let path)? = source, !path.hasPrefix("/") else { return source }
            return .file(FileManager.default.currentDirectoryPath + "/" + path)
        } catch {
            throw fail(ExitStatus.usage, error.message)
        }
    }

    /// The cache, unless `--no-cache`.
    func store(environment: [String: String]) -> CacheStore? {
        guard !noCache else { return nil }
        var path = cache ?? CacheStore.defaultPath(environment: environment)
        if !path.hasPrefix("/") { path = FileManager.default.currentDirectoryPath + "/" + path }
        return CacheStore(path: path)
    }

    /// The transports of a session configured by these flags: a team may mix them.
    func transports(connectionsPerSpecialist: Int = 5, logger: Logger = Logger(label: "teamchat")) -> [any SpecialistTransport] {
        let connections = max(1, connectionsPerSpecialist)
        let caFile = caFile ?? environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let trace = OutputSettings.now.trace
        var tekton = TektonProtocol(configuration: .init(maximumConnections: connections), maximumReplyBytes: maxReply.bytes)
        tekton.trace = trace
        var openAI = OpenAIProtocol(maximumConnections: connections, caFile: caFile)
        openAI.trace = trace
        var transports: [any SpecialistTransport] = [
            TektonTransport.make(tekton, logger: logger),
            OpenAITransport(openAI, logger: logger),
        ]
        if !busIsTarget, let busURL { transports.append(busTransport(busURL, logger: logger)) }
        return transports
    }

    /// The bus a roster file's `{"bus": …}` entries name, if any (read only when the file mentions one).
    static func rosterBus(_ path: String) -> RedisURL? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 16 << 20,
            mentionsBus(data)
        else { return nil }
        let specialists = (try? RosterFile.parse(data, name: path)) ?? []  // the bytes in hand, not read again
        for specialist in specialists {
            if case .bus(let address) = specialist.address, let url = try? RedisURL.parse(address.bus).get() {
                return url
            }
        }
        return nil
    }

    /// Whether `data` has the bytes `"bus"` anywhere, looked for byte by byte: `String.contains`, a generic search
    /// that compares characters, was 1% of a one-shot `send` with a roster of 18.
    static func mentionsBus(_ data: Data) -> Bool {
        let needle = "\"bus\"".utf8
        return data.withUnsafeBytes { bytes in
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == UInt8(ascii: "\"") {
                if bytes[start..<start + needle.count].elementsEqual(needle) { return true }
            }
            return false
        }
    }

    /// A session for the team these flags select.
    func makeSession(
        probe: RoundOptions, connectionsPerSpecialist: Int = 5, readOnly: Bool = false, persistInterval: Duration? = nil,
        logger: Logger = Logger(label: "teamchat"), warn: @escaping @Sendable (String) -> Void = Warnings.warn
    ) throws -> TeamSession {
        try makeSession(
            source: source(environment: environment), probe: probe, connectionsPerSpecialist: connectionsPerSpecialist,
            readOnly: readOnly, persistInterval: persistInterval, logger: logger, warn: warn)
    }

    /// A session for `source`: what ``source(environment:)`` said of these flags, for a caller that asked already
    /// (`nil`: the team the cache remembers).
    func makeSession(
        source: RosterSource?, probe: RoundOptions, connectionsPerSpecialist: Int = 5, readOnly: Bool = false,
        persistInterval: Duration? = nil, logger: Logger = Logger(label: "teamchat"),
        warn: @escaping @Sendable (String) -> Void = Warnings.warn
    ) throws -> TeamSession {
        let environment = self.environment
        var probe = probe
        probe.maximumReplyBytes = maxReply.bytes
        var transports = transports(connectionsPerSpecialist: connectionsPerSpecialist, logger: logger)
        // A bus remembered as the source used last, without --bus now: reached by its name (which has no password).
        if bus == nil, case .bus(let name)? = source, let url = try? RedisURL.parse(name).get() {
            transports.append(busTransport(url, logger: logger))
        }
        // A roster file with {"bus": …} entries beside sockets and APIs: the bus they name (one per session).
        if bus == nil, case .file(let path)? = source, let url = Self.rosterBus(path) {
            transports.append(busTransport(url, logger: logger))
        }
        return TeamSession(
            configuration: .init(
                source: source,
                store: store(environment: environment),
                ttl: ttl.duration,
                probeOptions: probe,
                environment: environment,
                persistInterval: persistInterval,
                readOnly: readOnly,
                logger: logger
            ),
            transports: transports,
            warn: warn
        )
    }
}

/// Trouble that does not fail a command (the cache, our own limits): each distinct warning is said once, on
/// standard error.
enum Warnings {
    private static let said = NIOLockedValueBox<Set<String>>([])

    @Sendable
    static func warn(_ message: String) {
        guard !OutputSettings.now.quiet else { return }
        let first = said.withLockedValue { $0.insert(message).inserted }
        if first { Console.err("teamchat: warning: \(message)") }
    }
}
