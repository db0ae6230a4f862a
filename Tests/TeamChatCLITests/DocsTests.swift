import Foundation
import Testing

/// One source of truth for help, man page and README: what each says is checked against the others.
@Suite("Help and the man page", .timeLimit(.minutes(1)))
struct DocsTests {
    static let commands = ["send", "discover", "warm", "stats", "serve", "bridge", "collect", "bench", "fleet", "demo"]

    static var manPage: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("man/teamchat.1"), encoding: .utf8)
        }
    }

    @Test("every subcommand's help has examples, and no USAGE line runs past 80 columns", arguments: commands)
    func help(_ command: String) async throws {
        let result = try await BinaryRunner.run([command, "--help"], environment: ["COLUMNS": "80"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:\n  "), "\(command) --help has no examples")
        let usage = result.stdout.split(separator: "\n").filter { $0.hasPrefix("USAGE:") }
        #expect(usage.count == 1)
        #expect(usage.allSatisfy { $0.count <= 80 }, "\(usage)")
    }

    @Test("the man page keeps every character it is given, shows defaults, and has every command's examples")
    func manPage() throws {
        let page = try Self.manPage
        #expect(page.contains("Random spread (\\[u00B1])"))
        #expect(page.contains("hermes-ai, \\[u2026])"))
        #expect(!page.contains("spread ()"))
        #expect(page.contains("(default: 2s)"))
        #expect(page.contains(".Sh ROSTER FILES"))
        let examples = try #require(page.components(separatedBy: ".Sh EXAMPLES").last)
        for command in Self.commands {
            #expect(examples.contains(".Dl teamchat \(command)"), "no example of \(command) in EXAMPLES")
        }
    }

    @Test("ENVIRONMENT names every variable teamchat reads")
    func environment() throws {
        let page = try Self.manPage
        let environment = try #require(page.components(separatedBy: ".Sh ENVIRONMENT").last?
            .components(separatedBy: ".Sh ").first)
        for variable in [
            "TEAMCHAT_ROSTER", "TEAMCHAT_SCAN", "TEAMCHAT_CACHE", "TEKTON_AI_PORT_BASE", "<NAME>_AI_PORT", "NO_COLOR",
            "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "TEAMCHAT_TOKEN", "SSL_CERT_FILE", "TERM", "HOME",
            "TEAMCHAT_BUS_SECRET", "TEAMCHAT_BUS_PASSWORD", "TEAMCHAT_BUS_URL",
        ] {
            #expect(environment.contains(variable), "\(variable) is not in ENVIRONMENT")
        }
        // And the sources read no variable the page does not name.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }
            // What the tests' own helpers read (TEAMCHAT_REDIS_SERVER, PATH) is not teamchat's.
            .filter { $0.pathExtension == "swift" && !$0.path.contains("/TeamChatTestSupport/") } ?? []
        // Every way the sources read a variable by name: a dictionary of the environment, getenv, setenv (a default
        // set for the process is a variable read by someone: the man page names it too).
        let patterns = [
            try Regex(#"environment\["([A-Z_][A-Z0-9_]*)"\]"#), try Regex(#"getenv\("([A-Z_][A-Z0-9_]*)"\)"#),
            try Regex(#"setenv\("([A-Z_][A-Z0-9_]*)""#),
        ]
        var seen: Set<String> = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for pattern in patterns {
                for match in text.matches(of: pattern) {
                    let name = String(match.output[1].substring ?? "")
                    seen.insert(name)
                    #expect(environment.contains(name), "\(file.lastPathComponent) reads \(name), which ENVIRONMENT omits")
                }
            }
        }
        // The scan itself must see the reads it is about: one of each kind is known to exist.
        #expect(seen.isSuperset(of: ["TEAMCHAT_ROSTER", "MALLOC_ARENA_MAX"]), "the scan found \(seen.sorted())")
    }
}
