import ArgumentParser
import TeamChatRoster
import TeamChatFleet

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `teamchat fleet`: simulated specialists to try teamchat on, until Ctrl-C.
struct FleetCommand: AsyncParsableCommand, ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Run simulated specialists speaking the protocol, until interrupted.",
        usage: "teamchat fleet [<options>]",
        discussion: """
            The first 18 are named after Tekton's chorus (engram-ai, hermes-ai, …), later ones specialist-19, …. \
            With --protocol openai each is an OpenAI-compatible server (POST /v1/chat/completions, streaming too, \
            and GET /v1/models) serving one model, <name>-sim. Misbehaviours apply to chats (pings, info and the \
            model list stay correct), except mute, greet, slam and idle-close: \
            \(Misbehaviour.supported(by: .tekton).map(\.rawValue).joined(separator: ", ")); with --protocol openai \
            also http-500, http-429, no-done, null-deltas, error-mid-stream, idle-close and stall.

            Examples:
              teamchat fleet --count 18 --base-port 47000 --misbehave 3:hang,7:garbage
              teamchat send --scan 127.0.0.1:47000-47017 "hello"
            """
    )

    @Option(name: .long, help: "How many specialists.")
    var count = 18

    @Option(name: .long, help: "tekton (newline-delimited JSON over TCP) or openai (OpenAI-compatible HTTP).")
    var `protocol`: SimulatedProtocol = .tekton

    @Option(name: .long, help: ArgumentHelp("The first port; the others follow it. 0 picks free ports.", valueName: "port"))
    var basePort = 0

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Time before each reply.", valueName: "duration"))
    var latency = DurationArgument(.zero)

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Random spread (±) around the latency.", valueName: "duration"))
    var jitter = DurationArgument(.zero)

    @Option(name: .long, help: ArgumentHelp("Misbehaving specialists, as N:KIND or ID:KIND (N counts from 1), comma-separated.", valueName: "list"))
    var misbehave: [String] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How late a 'late' specialist answers its first chat.", valueName: "duration"))
    var lateDelay = DurationArgument(.seconds(3))

    @Option(name: .long, help: ArgumentHelp("Also write the roster to this JSON file (for --roster).", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var writeRoster: String?

    func validate() throws {
        guard (1...10_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000") }
        guard basePort == 0 || (1...65535).contains(basePort) && basePort + count - 1 <= 65535 else {
            throw ValidationError("--base-port \(basePort) with --count \(count) runs past port 65535")
        }
        _ = try configurations()
    }

    /// The fleet these flags describe; throws a usage error for a bad --misbehave entry.
    func configurations() throws -> [SimulatedSpecialistConfiguration] {
        var team = SimulatedSpecialistConfiguration.team(
            count: count, wire: `protocol`, basePort: basePort, latency: latency.duration, jitter: jitter.duration)
        for entry in SpecialistSelector.names(misbehave) {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            let supported = Misbehaviour.supported(by: `protocol`)
            guard parts.count == 2, let kind = Misbehaviour(rawValue: parts[1]), supported.contains(kind) else {
                throw ValidationError(
                    "--misbehave '\(entry)': expected N:KIND with KIND one of "
                        + supported.map(\.rawValue).joined(separator: ", "))
            }
            let index: Int? =
                if let number = Int(parts[0]) { (1...count).contains(number) ? number - 1 : nil } else {
                    team.firstIndex { SpecialistSelector.matches($0.id, parts[0]) }
                }
            guard let index else {
                throw ValidationError("--misbehave '\(entry)': no specialist '\(parts[0])' in a fleet of \(count)")
            }
            team[index].misbehaviour = kind
        }
        for index in team.indices { team[index].lateDelay = lateDelay.duration }
        return team
    }

    func run() async throws {
        TeamLoader.ensureDescriptors(for: count)
        let interrupts = Interrupts.signals()
        let fleet: Fleet
        do {
            fleet = try await Fleet.start(try configurations(), host: host)
        } catch {
            throw fail(ExitStatus.unavailable, "cannot start the fleet: \(error)")
        }
        let configurations = try configurations()
        let width = fleet.specialists.map(\.id.count).max() ?? 0
        for (specialist, configuration) in zip(fleet.specialists, configurations) {
            let note = configuration.misbehaviour.map { "  (\($0.rawValue))" } ?? ""
            Console.out(Formatting.padded(specialist.id, to: width) + "  " + specialist.address.description + note)
        }
        if let writeRoster {
            do {
                try RosterFile.encode(fleet.specialists).write(to: URL(fileURLWithPath: writeRoster))
            } catch {
                await fleet.stop()
                throw fail(ExitStatus.badInput, "cannot write roster '\(writeRoster)': \(error)")
            }
        }
        let ports = fleet.specialists.map { specialist -> Int in
            switch specialist.address {
            case .tekton(_, let port): port
            case .openAI(let endpoint): endpoint.origin.port
            case .bus: 0  // a fleet serves sockets and HTTP only
            }
        }
        Console.err(
            "teamchat: fleet of \(count) on \(host), ports \(ports.min()!)–\(ports.max()!); Ctrl-C to stop")
        for await _ in interrupts { break }
        await fleet.stop()
        Console.err("teamchat: fleet stopped")
    }
}

extension SimulatedProtocol: ExpressibleByArgument {}
