#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TeamChatJSON
import TeamChatModel

/// `teams.json` (DESIGN §10): the user's named teams, at `$XDG_CONFIG_HOME/teamchat/teams.json` (else
/// `~/.config/teamchat/teams.json`) or `--config FILE`.
///
/// ```json
/// {"teams": {"design": {
///     "roster": "team.json",                       // or "scan", "openai" (+ "model", "api_key_env"), "bus", "tekton": true
///     "members": ["athena-ai", "hermes-ai"],       // the source's members asked (default: all)
///     "overrides": {"hermes-ai": {"system": "…", "temperature": 0.2, "max_tokens": 400, "context": "server",
///                                 "timeout": "30s"}},
///     "judge": ["athena-ai", "apollo-ai"], "mode": "judge",   // "panel", "judge" or "council"
///     "quorum": 2, "timeout": "5s", "deadline": "10s", "judge_timeout": "60s",
///     "task_member": "hermes-ai",                  // who alone answers a chat UI's titles and tags (the facade)
///     "description": "…"}}}
/// ```
///
/// A roster path is read relative to the file. Every error names the file, the line and the key.
public enum TeamsFile {
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Where the file is looked for when `--config` names none.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/teamchat/teams.json" }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.config/teamchat/teams.json"
    }

    static let teamKeys: Set<String> = [
        "description", "roster", "scan", "openai", "model", "api_key_env", "bus", "tekton", "members", "overrides",
        "judge", "mode", "quorum", "timeout", "deadline", "judge_timeout", "task_member",
    ]
    static let overrideKeys: Set<String> = ["system", "temperature", "max_tokens", "context", "timeout"]

    /// The prices of `"prices": {"<model>": {"prompt": USD per million tokens, "completion": …}}`; empty when the
    /// file has none or cannot be read (its teams' errors are said where the teams are read).
    public static func prices(path: String) throws(Problem) -> [String: ModelPrice] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(message: "cannot read \(path)") }
        let text = String(decoding: data, as: UTF8.self)
        let parsed = data.withUnsafeBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.members(of: bytes) }
        }
        guard case .success(let members) = parsed, let value = members.first(where: { $0.key == "prices" })?.value else {
            return [:]
        }
        guard let models = value.object else { throw problem(path, text, key: "prices", "'prices' is an object of models") }
        var prices: [String: ModelPrice] = [:]
        for (model, entry) in models {
            let fields = entry.object.map(JSONFields.init)
            guard let fields, let prompt = try? fields.number("prompt", in: 0...1e6),
                let completion = try? fields.number("completion", in: 0...1e6)
            else {
                throw problem(path, text, key: model, after: "prices",
                              "price of '\(model)': give {\"prompt\": dollars, \"completion\": dollars} per million tokens")
            }
            prices[model] = ModelPrice(promptPerMillion: prompt, completionPerMillion: completion)
        }
        return prices
    }

    /// The teams in the file at `path`, in the file's order; an unreadable file or a wrong entry is a problem that
    /// names the file, the line and the key.
    public static func load(path: String) throws(Problem) -> [NamedTeam] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(message: "cannot read \(path)")
        }
        return try parse(data, path: path)
    }

    public static func parse(_ data: Data, path: String) throws(Problem) -> [NamedTeam] {
        let text = String(decoding: data, as: UTF8.self)
        let parsed = data.withUnsafeBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.members(of: bytes) }
        }
        let members: [(key: String, value: JSONObjectReader.Value)]
        switch parsed {
        case .success(let read): members = read
        case .failure(let failure): throw Problem(message: "\(path): not JSON: \(RosterFile.describe(failure, in: data))")
        }
        guard let teamsValue = members.first(where: { $0.key == "teams" })?.value else {
            throw Problem(message: "\(path): no \"teams\" object")
        }
        let unknownTop = members.map(\.key).filter { $0 != "teams" && $0 != "prices" }
        if let key = unknownTop.first { throw problem(path, text, key: key, "unknown key") }
        guard case .object = teamsValue, let ordered = orderedMembers(of: "teams", in: text) else {
            throw problem(path, text, key: "teams", "must be an object of teams by name")
        }
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var teams: [NamedTeam] = []
        for name in ordered {
            guard !teams.contains(where: { $0.name == name }) else {
                throw problem(path, text, key: name, "team '\(name)' is named twice")
            }
            guard let object = teamsValue.object?[name]?.object else {
                throw problem(path, text, key: name, "a team is an object")
            }
            teams.append(try team(name, JSONFields(object), path: path, text: text, directory: directory))
        }
        return teams
    }

    private static func team(
        _ name: String, _ fields: JSONFields, path: String, text: String, directory: String
    ) throws(Problem) -> NamedTeam {
        func fail(_ key: String, _ why: String) -> Problem { problem(path, text, key: key, after: name, "team '\(name)': \(why)") }
        if let key = fields.unknownKeys(teamKeys).sorted().first {
            throw fail(key, "unknown key '\(key)' (known: \(teamKeys.sorted().joined(separator: ", ")))")
        }
        do {
            let sources = ["roster", "scan", "openai", "bus", "tekton"].filter { fields.members[$0] != nil }
            guard sources.count == 1 else {
                throw fail(sources.dropFirst().first ?? name,
                           "needs exactly one source: roster, scan, openai, bus or tekton")
            }
            let source: RosterSource
            switch sources[0] {
            case "roster":
                var file = try fields.string("roster")
                if !file.hasPrefix("/") { file = directory + "/" + file }
                source = .file(file)
            case "scan":
                let range = try fields.string("scan")
                guard let parsed = ScanRange(parsing: range) else { throw fail("scan", "'\(range)' is not HOST:LOW-HIGH") }
                source = .scan(parsed)
            case "openai":
                let url = try fields.string("openai")
                guard let origin = HTTPOrigin(parsing: url) else { throw fail("openai", "'\(url)' is not an http:// or https:// URL") }
                source = .openAI(OpenAISource(
                    origin: origin, models: try fields.optionalString("model"), apiKeyVariable: try fields.optionalString("api_key_env")))
            case "bus":
                source = .bus(try fields.string("bus"))
            default:
                guard try fields.optionalBool("tekton") == true else { throw fail("tekton", "'tekton' takes true") }
                source = .tekton
            }
            if sources[0] != "openai", let key = ["model", "api_key_env"].first(where: { fields.members[$0] != nil }) {
                throw fail(key, "'\(key)' goes with 'openai'")
            }
            var team = NamedTeam(name: name, source: source)
            team.description = try fields.optionalString("description")
            team.members = try fields.optionalStrings("members") ?? []
            team.judge = try fields.optionalStrings("judge") ?? []
            team.taskMember = try fields.optionalString("task_member")
            if let member = team.taskMember, !team.members.isEmpty, !team.members.contains(member) {
                throw fail("task_member", "'task_member' \(member) is not one of its members")
            }
            if let mode = try fields.optionalString("mode") {
                guard let parsed = NamedTeam.Mode(rawValue: mode) else { throw fail("mode", "'mode' is panel, judge or council, not '\(mode)'") }
                team.mode = parsed
            }
            if team.mode == .judge, team.judge.isEmpty { throw fail("mode", "mode 'judge' needs a 'judge'") }
            team.quorum = try fields.optionalInteger("quorum", in: 1...100_000)
            if let quorum = team.quorum, !team.members.isEmpty, quorum > team.members.count {
                throw fail("quorum", "'quorum' \(quorum) is more than its \(team.members.count) members")
            }
            for (key, keyPath) in [("timeout", \NamedTeam.timeout), ("deadline", \.deadline), ("judge_timeout", \.judgeTimeout)] {
                guard let value = fields.members[key] else { continue }
                let text = value.string ?? value.number.map { "\($0)" }
                guard let text, let duration = Duration(parsing: text), duration > .zero else {
                    throw fail(key, "'\(key)' is not a duration (\(DurationSyntax.forms))")
                }
                team[keyPath: keyPath] = duration
            }
            if let overrides = try fields.optionalObject("overrides") {
                for (id, value) in overrides.members.sorted(by: { $0.key < $1.key }) {
                    guard let object = value.object else { throw fail(id, "the override of '\(id)' is not an object") }
                    let entry = JSONFields(object)
                    if let key = entry.unknownKeys(overrideKeys).sorted().first {
                        throw fail(key, "override of '\(id)': unknown key '\(key)' (known: \(overrideKeys.sorted().joined(separator: ", ")))")
                    }
                    var override = NamedTeam.Override()
                    override.system = try entry.optionalString("system")
                    override.temperature = try entry.optionalNumber("temperature", in: 0...2)
                    override.maxTokens = try entry.optionalInteger("max_tokens", in: 1...10_000_000)
                    if let value = entry.members["timeout"] {
                        let text = value.string ?? value.number.map { "\($0)" }
                        guard let text, let duration = Duration(parsing: text), duration > .zero else {
                            throw fail("timeout", "override of '\(id)': 'timeout' is not a duration (\(DurationSyntax.forms))")
                        }
                        override.timeout = duration
                    }
                    switch try entry.optionalString("context") {
                    case nil: break
                    case "server": override.keepsOwnContext = true
                    case "client": override.keepsOwnContext = false
                    case let other?: throw fail("context", "override of '\(id)': 'context' is server or client, not '\(other)'")
                    }
                    team.overrides[id] = override
                }
            }
            return team
        } catch let problem as Problem {
            throw problem
        } catch let problem as JSONFields.Problem {
            throw fail(problem.message.split(separator: "'").dropFirst().first.map(String.init) ?? name, problem.message)
        } catch {
            throw fail(name, "\(error)")
        }
    }

    /// `path:LINE: message`, the line the key (after `after`, when given) is on.
    static func problem(_ path: String, _ text: String, key: String, after: String? = nil, _ message: String) -> Problem {
        var search = text[...]
        if let after, let found = search.firstRange(of: "\"\(after)\"") { search = text[found.upperBound...] }
        let line: Int
        if let found = search.firstRange(of: "\"\(key)\"") {
            line = text[..<found.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        } else {
            line = 1
        }
        return Problem(message: "\(path):\(line): \(message)")
    }

    /// The names of the object that is the value of `key`, in the file's order (JSON objects are read unordered).
    static func orderedMembers(of key: String, in text: String) -> [String]? {
        let bytes = Array(text.utf8)
        guard let start = text.firstRange(of: "\"\(key)\"") else { return nil }
        var index = text.utf8.distance(from: text.startIndex, to: start.upperBound)
        // To the object's opening brace.
        while index < bytes.count, bytes[index] != UInt8(ascii: "{") { index += 1 }
        var depth = 0
        var names: [String] = []
        var inString = false
        var escaped = false
        var current: [UInt8] = []
        var expectingName = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false; current.append(byte) }
                else if byte == UInt8(ascii: "\\") { escaped = true; current.append(byte) }
                else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1, expectingName { names.append(String(decoding: current, as: UTF8.self)); expectingName = false }
                } else { current.append(byte) }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true; current = []
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth == 1 { expectingName = true }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return names }
                case UInt8(ascii: ","): if depth == 1 { expectingName = true }
                default: break
                }
            }
            index += 1
        }
        return nil
    }
}
