import ArgumentParser
import TeamChatEngine
import TeamChatRoster

/// `--system`, `--temperature` and `-o KEY=VALUE`: what every member is sent differently this run, over a named
/// team's overrides (DESIGN §10).
struct RunOverrides: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The system prompt of every member this run (OpenAI-compatible members: Tekton's services keep their own).", valueName: "text"))
    var system: String?

    @Option(name: .long, help: ArgumentHelp("The sampling temperature of every member this run (0 to 2).", valueName: "t"))
    var temperature: Double?

    @Option(name: [.customShort("o"), .customLong("option")], help: ArgumentHelp("A model parameter of every member this run: system=TEXT, temperature=T, max_tokens=N (repeatable).", valueName: "key=value"))
    var options: [String] = []

    /// The keys `-o` takes.
    static let keys = ["system", "temperature", "max_tokens"]

    func validate() throws {
        _ = try override()
    }

    /// The override these flags make; nil when they make none.
    func override() throws -> NamedTeam.Override? {
        var override = NamedTeam.Override(system: system, temperature: temperature)
        for option in options {
            guard let equals = option.firstIndex(of: "=") else {
                throw ValidationError("-o '\(option)': give KEY=VALUE (keys: \(Self.keys.joined(separator: ", ")))")
            }
            let (key, value) = (String(option[..<equals]), String(option[option.index(after: equals)...]))
            switch key {
            case "system": override.system = value
            case "temperature":
                guard let number = Double(value) else { throw ValidationError("-o temperature='\(value)' is not a number") }
                override.temperature = number
            case "max_tokens":
                guard let number = Int(value), number > 0 else {
                    throw ValidationError("-o max_tokens='\(value)' is not a positive whole number")
                }
                override.maxTokens = number
            default:
                throw ValidationError("-o: unknown key '\(key)' (keys: \(Self.keys.joined(separator: ", ")))")
            }
        }
        if let temperature = override.temperature, !(0...2).contains(temperature) {
            throw ValidationError("the temperature must be between 0 and 2")
        }
        return override == NamedTeam.Override() ? nil : override
    }
}
