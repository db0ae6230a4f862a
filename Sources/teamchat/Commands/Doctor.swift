import ArgumentParser
import CLibEdit
import Foundation
import TeamChatGateway
import TeamChatJSON
import TeamChatLog
import TeamChatModel
import TeamChatRoster
import TeamChatSession

/// `teamchat doctor`: what a user needs to see when something is off, on one screen.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what teamchat depends on here: the team, the cache, the round log, a gateway, keys, the terminal.",
        discussion: """
            One line per check, ✓ or ✗, and for each problem what fixes it. Probes nobody: it reads files, asks a \
            running gateway for 0.2 s at most, and looks at environment variables (never printing their values). \
            Exits 0 when every check passed, 1 otherwise.

            Examples:
              teamchat doctor
              teamchat doctor --roster team.json --json
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @Flag(name: .long, help: "Print one JSON document: {\"type\":\"doctor\",\"ok\":…,\"checks\":[{name, ok, detail, fix}]}.")
    var json = false

    /// One check's finding.
    struct Check {
        var name: String
        var ok: Bool
        var detail: String
        var fix: String?
    }

    /// Asks the bus who its bridges publish, as discovery does: each way it can go wrong in its own words.
    private static func busCheck(_ session: TeamSession, name: String) async -> Check {
        do {
            let report = try await session.withRunning { session throws(RosterError) in try await session.discover() }
            let bridges = Set(report.roster.compactMap { specialist -> String? in
                if case .bus(let address) = specialist.address { address.bridge } else { nil }
            })
            guard !report.roster.isEmpty else {
                return Check(
                    name: "bus", ok: false, detail: "\(name): reachable, but no bridge publishes a specialist",
                    fix: "start one where the team runs: teamchat bridge --bus \(name) --roster team.json")
            }
            return Check(
                name: "bus", ok: true,
                detail: "\(name): \(report.roster.count) specialist\(report.roster.count == 1 ? "" : "s") from "
                    + "\(bridges.count) bridge\(bridges.count == 1 ? "" : "s")")
        } catch {
            let fix = switch error.kind {
            case .unauthorized: "give the bus's password: \(BusCredentials.passwordVariable), or a URL in \(BusCredentials.urlVariable)"
            default: "check that Redis runs where \(name) says, and that this machine may reach it"
            }
            return Check(name: "bus", ok: false, detail: "\(name): \(error.message)", fix: fix)
        }
    }

    func run() async throws {
        output.apply()
        var checks: [Check] = []
        let environment = discovery.environment

        // The team: which, and where that choice came from.
        let session = try? discovery.makeSession(probe: RoundOptions(), readOnly: true)
        if let session {
            let choice = switch session.sourceChoice {
            case .given: "named on the command line or in the environment"
            case .lastUsed: "the team used last (remembered in the cache)"
            case .preset: "the Tekton preset (no team named, none used before)"
            }
            let members = session.cachedTeam?.roster.count
            checks.append(Check(
                name: "team", ok: true,
                detail: "\(session.source) — \(choice)" + (members.map { "; \($0) specialists cached" } ?? "; not discovered yet")))
        } else {
            checks.append(Check(
                name: "team", ok: false, detail: "the team's source cannot be read",
                fix: "check --roster, --scan, --openai, --bus or TEAMCHAT_ROSTER"))
        }

        // The bus: reachable, our password accepted, bridges publishing specialists.
        if let session, case .bus(let name) = session.source {
            checks.append(await Self.busCheck(session, name: name))
        }

        // The cache.
        if let store = discovery.store(environment: environment) {
            switch store.load(readOnly: true) {
            case .missing:
                checks.append(Check(name: "cache", ok: true, detail: "\(store.path): none yet (made by the first command)"))
            case .cache(let cache):
                checks.append(Check(
                    name: "cache", ok: true,
                    detail: "\(store.path): \(cache.teams.count) team\(cache.teams.count == 1 ? "" : "s")"
                        + (Self.age(of: store.path).map { ", written \($0) ago" } ?? "")))
            case .unusable(let problem):
                checks.append(Check(
                    name: "cache", ok: false, detail: "\(store.path): \(problem)",
                    fix: "the next command moves it to \(store.path).bad and rebuilds it"))
            }
        } else {
            checks.append(Check(name: "cache", ok: true, detail: "off (--no-cache)"))
        }

        // The round log.
        if let path = RoundLog.defaultPath(environment: environment) {
            if RoundLog.exists(at: path) {
                do {
                    let (log, movedAside) = try RoundLog.open(at: path)
                    let recent = try log.recent(limit: 1)
                    checks.append(Check(
                        name: "round log", ok: movedAside == nil,
                        detail: path + (movedAside.map { ": was damaged, moved to \($0)" }
                            ?? (recent.isEmpty ? ": empty" : ": last round \(Log.Common.time(recent[0].startedAt))")),
                        fix: movedAside == nil ? nil : "nothing: a new log has begun"))
                } catch {
                    checks.append(Check(
                        name: "round log", ok: false, detail: "\(path): \(error.description)",
                        fix: "remove or move the file, or name another with TEAMCHAT_LOG"))
                }
            } else {
                checks.append(Check(name: "round log", ok: true, detail: "\(path): none yet (made by the first send)"))
            }
        } else {
            checks.append(Check(name: "round log", ok: true, detail: "off (TEAMCHAT_NO_LOG)"))
        }

        // A running gateway.
        if let path = ControlSocket.defaultPath(environment: environment), ControlSocket.exists(path) {
            if let problem = ControlSocket.untrusted(path) {
                checks.append(Check(
                    name: "gateway", ok: false, detail: problem, fix: "commands go direct; make the directory yours and 0700"))
            } else if let client = await GatewayClient.connect(path: path) {
                do {
                    let team = try await client.team(source: nil, within: GatewayOptions.firstAnswerLimit)
                    checks.append(Check(
                        name: "gateway", ok: true,
                        detail: "serve on \(path), for \(team?.source ?? "its team") (\(team?.roster.count ?? 0) specialists)"))
                } catch {
                    checks.append(Check(
                        name: "gateway", ok: false, detail: "serve on \(path) \(error.message)",
                        fix: "a stopped serve (kill -CONT it) or a stuck one (restart it); commands go direct meanwhile"))
                }
                await client.close()
            } else {
                checks.append(Check(
                    name: "gateway", ok: true, detail: "\(path) is left by a serve that ended (removed by the next serve)"))
            }
        } else {
            checks.append(Check(name: "gateway", ok: true, detail: "none running (commands connect directly)"))
        }

        // Keys of OpenAI-compatible members: set or not, never their values.
        var members = session?.cachedTeam?.roster ?? []
        if case .file(let path)? = session?.source, let declared = try? RosterFile.load(path: path, warn: { _ in }) {
            members = declared  // the file's members, discovered or not
        }
        for specialist in members {
            guard case .openAI(let endpoint) = specialist.address, let variable = endpoint.apiKeyVariable else { continue }
            let set = environment[variable].map { !$0.isEmpty } ?? false
            checks.append(Check(
                name: "key", ok: set, detail: "\(specialist.id): \(variable) is \(set ? "set" : "not set")",
                fix: set ? nil : "export \(variable)=… (the key is read from there only, and never shown)"))
        }

        // The terminal and the prompt's line editor.
        let terminal = Console.stdinIsTerminal && Console.stdoutIsTerminal
        checks.append(Check(
            name: "terminal", ok: true,
            detail: terminal ? "a terminal (TERM=\(environment["TERM"] ?? "unset"))" : "not a terminal: send reads rounds from standard input"))
        let libedit = teamchat_libedit_available()
        checks.append(Check(
            name: "line editor", ok: libedit, detail: libedit ? "libedit found" : "libedit not found: the prompt reads plain lines",
            fix: libedit ? nil : "install libedit (Debian: apt install libedit2)"))

        print(checks)
        if checks.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }

    private func print(_ checks: [Check]) {
        if json {
            var document = JSONObjectWriter(type: "doctor")
            document.add("ok", !checks.contains { !$0.ok })
            document.add("checks", objects: checks.map { check in
                var object = JSONObjectWriter()
                object.add("name", check.name)
                object.add("ok", check.ok)
                object.add("detail", check.detail)
                object.add("fix", check.fix)
                return object
            })
            document.write()
            return
        }
        let width = checks.map(\.name.count).max() ?? 0
        for check in checks {
            Console.out((check.ok ? "✓ " : "✗ ") + Formatting.padded(check.name, to: width) + "  "
                + TerminalSanitizer.sanitizeLine(check.detail))
            if let fix = check.fix, !check.ok { Console.out(String(repeating: " ", count: width + 4) + "fix: " + fix) }
        }
    }

    /// How long ago `path` was written, in words (`3 min`), or nil.
    static func age(of path: String) -> String? {
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        else { return nil }
        let seconds = max(0, Date().timeIntervalSince(modified))
        return switch seconds {
        case ..<90: "\(Int(seconds)) s"
        case ..<5_400: "\(Int(seconds / 60)) min"
        case ..<172_800: "\(Int(seconds / 3_600)) h"
        default: "\(Int(seconds / 86_400)) days"
        }
    }
}
