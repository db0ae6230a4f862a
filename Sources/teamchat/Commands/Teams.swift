import ArgumentParser
import Foundation
import TeamChatJSON
import TeamChatModel
import TeamChatRoster

/// `teamchat teams`: the named teams of teams.json (DESIGN §10).
struct Teams: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teams",
        abstract: "List the named teams (teams.json), or show one.",
        discussion: """
            A named team is a source (roster, scan, openai, bus or tekton), the members of it to ask, what each is \
            sent differently (system, temperature, max_tokens, context), its judge and mode (panel, judge, \
            council), its quorum and budgets. --team NAME on any command uses it; flags given override it. The \
            file is $XDG_CONFIG_HOME/teamchat/teams.json (else ~/.config/teamchat/teams.json), or --config FILE.

            Examples:
              teamchat teams
              teamchat teams show design --json
              teamchat send --team design "How should the pool evict?"
              teamchat send --team design --dry-run "hello"
            """,
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct File: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The named teams file (default: $XDG_CONFIG_HOME/teamchat/teams.json, else ~/.config/teamchat/teams.json).", valueName: "file"),
                completion: .file(extensions: ["json"]))
        var config: String?

        @Flag(name: .long, help: "Print NDJSON: one object per team.")
        var json = false

        /// The teams, read; 66 when there is no file, 65 (with its line and key) when it is wrong.
        func load() throws -> (path: String, teams: [NamedTeam]) {
            guard let path = config ?? TeamsFile.defaultPath(environment: ProcessEnvironment.current) else {
                throw fail(ExitStatus.usage, "no teams file: set HOME or give --config")
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw fail(ExitStatus.noInput, "no teams file at \(path) (see 'teamchat help teams')")
            }
            do {
                return (path, try TeamsFile.load(path: path))
            } catch {
                throw fail(ExitStatus.badInput, error.message)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every named team, one per line.")

        @OptionGroup var file: File

        func run() async throws {
            let (_, teams) = try file.load()
            if file.json {
                for team in teams { Teams.json(team).write() }
                return
            }
            var table = Table("TEAM", "SOURCE", "MEMBERS", "MODE", "DESCRIPTION")
            for team in teams {
                table.add(
                    team.name, team.source.description, team.members.isEmpty ? "all" : "\(team.members.count)",
                    Teams.mode(team), team.description ?? "")
            }
            table.lines().forEach(Console.out)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One named team in full.")

        @OptionGroup var file: File

        @Argument(help: "The team's name.", completion: .custom(TeamCompletion.names))
        var name: String

        func run() async throws {
            let (path, teams) = try file.load()
            guard let team = teams.first(where: { $0.name == name }) else {
                throw fail(ExitStatus.usage, "no team '\(TerminalSanitizer.sanitizeLine(name))' in \(path)")
            }
            if file.json { return Teams.json(team).write() }
            func line(_ label: String, _ value: String?) {
                guard let value, !value.isEmpty else { return }
                Console.out(Formatting.padded(label, to: 14) + TerminalSanitizer.sanitizeLine(value))
            }
            line("team", team.name)
            line("description", team.description)
            line("source", team.source.description)
            line("members", team.members.isEmpty ? "all the source lists" : team.members.joined(separator: ", "))
            line("mode", Teams.mode(team))
            line("judge", team.judge.joined(separator: ", "))
            line("quorum", team.quorum.map { "\($0)" })
            line("timeout", team.timeout?.secondsText)
            line("deadline", team.deadline?.secondsText)
            line("judge timeout", team.judgeTimeout?.secondsText)
            line("task member", team.taskMember)
            for (id, override) in team.overrides.sorted(by: { $0.key < $1.key }) {
                line("override", id + ": " + Teams.describe(override))
            }
        }
    }

    static func mode(_ team: NamedTeam) -> String {
        (team.mode ?? (team.judge.isEmpty ? .panel : .judge)).rawValue
    }

    static func describe(_ override: NamedTeam.Override) -> String {
        var parts: [String] = []
        if let system = override.system { parts.append("system \"\(system)\"") }
        if let temperature = override.temperature { parts.append("temperature \(temperature)") }
        if let maxTokens = override.maxTokens { parts.append("max_tokens \(maxTokens)") }
        if let own = override.keepsOwnContext { parts.append("context \(own ? "server" : "client")") }
        return parts.joined(separator: ", ")
    }

    static func json(_ team: NamedTeam) -> JSONObjectWriter {
        var object = JSONObjectWriter(type: "team")
        object.add("name", team.name)
        object.add("description", team.description)
        object.add("source", team.source.description)
        object.add("members", strings: team.members)
        object.add("mode", mode(team))
        object.add("judge", strings: team.judge)
        object.add("quorum", team.quorum)
        object.add("timeout", team.timeout?.seconds)
        object.add("deadline", team.deadline?.seconds)
        object.add("judge_timeout", team.judgeTimeout?.seconds)
        object.add("task_member", team.taskMember)
        var overrides = JSONObjectWriter()
        for (id, override) in team.overrides.sorted(by: { $0.key < $1.key }) {
            var entry = JSONObjectWriter()
            entry.add("system", override.system)
            entry.add("temperature", override.temperature)
            entry.add("max_tokens", override.maxTokens)
            entry.add("context", override.keepsOwnContext.map { $0 ? "server" : "client" })
            overrides.add(id, object: entry)
        }
        object.add("overrides", object: overrides)
        return object
    }
}
