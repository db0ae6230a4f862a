import Foundation
@testable import teamchat
import Testing

/// Usage errors say what would be right, and all end with status 64.
@Suite("Usage errors that help", .timeLimit(.minutes(1)))
struct UsageTests {
    @Test("a mistyped subcommand gets 'did you mean'; an unknown one the list of commands")
    func didYouMean() async throws {
        let typo = try await BinaryRunner.run(["sedn", "hello"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("teamchat: 'sedn' is not a command; did you mean 'send'?"))
        let prefix = try await BinaryRunner.run(["disco"])
        #expect(prefix.stderr.contains("did you mean 'discover'?"))
        let unknown = try await BinaryRunner.run(["xyzzy"])
        #expect(unknown.status == 64)
        #expect(!unknown.stderr.contains("did you mean"))
        #expect(unknown.stderr.contains("commands: send, discover"))
    }

    @Test("help for a command that does not exist fails with 64; help for one that does still works")
    func helpNoSuch() async throws {
        let missing = try await BinaryRunner.run(["help", "nosuch"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no help for 'nosuch': it is not a command"))
        #expect(missing.stdout.isEmpty)
        let present = try await BinaryRunner.run(["help", "send"])
        #expect(present.status == 0)
        #expect(present.stdout.contains("USAGE: teamchat send"))
    }

    @Test("help asked for alone is rendered without a parse, and says exactly what a parse that meets --help says")
    func helpWithoutParse() async throws {
        // Which forms take the short way, and which are left to the parse (the comparison below is between the two).
        #expect(Entry.helpOnly(["--help"]) != nil && Entry.helpOnly(["help", "send"]) != nil)
        #expect(Entry.helpOnly(["send", "-h"]) != nil)
        #expect(Entry.helpOnly(["send", "--json", "--help"]) == nil && Entry.helpOnly(["help", "nosuch"]) == nil)
        #expect(Entry.helpOnly(["nosuch", "--help"]) == nil && Entry.helpOnly(["send", "hello"]) == nil)
        for command in [[], ["send"], ["serve"], ["fleet"], ["bench"]] {
            let short = try await BinaryRunner.run(command + ["--help"])
            let parsed = try await BinaryRunner.run(command + ["--help", "--help"])
            #expect(short.status == 0 && parsed.status == 0)
            #expect(short.stdout == parsed.stdout, "teamchat \(command.joined(separator: " ")) --help")
            #expect(short.stdout.contains("USAGE: teamchat"))
        }
        #expect(try await BinaryRunner.run(["help", "send"]).stdout == BinaryRunner.run(["send", "-h"]).stdout)
    }

    @Test("durations: negative ones 'must not be negative', bad ones say what a duration looks like")
    func durations() async throws {
        let negative = try await BinaryRunner.run(["send", "--timeout", "-1s", "hi"])
        #expect(negative.status == 64)
        #expect(negative.stderr.contains("'--timeout <duration>': must not be negative"))
        #expect(!negative.stderr.contains("Missing value"))
        let bad = try await BinaryRunner.run(["warm", "--ttl", "soon"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("'soon' is not a duration (e.g. 2 (seconds), 1.5s, 250ms, 1m30s, 1h)"))
        let help = try await BinaryRunner.run(["send", "--help"])
        #expect(help.stdout.contains("(default: 2s)"))
    }

    @Test("an empty message is an error, not a wish to read standard input")
    func emptyMessage() async throws {
        let result = try await BinaryRunner.run(["send", "--no-cache", "--scan", "127.0.0.1:1-1", ""], input: "from stdin\n")
        #expect(result.status == 64)
        #expect(result.stderr.contains("the message is empty"))
    }

    @Test("suggestions come only for near misses")
    func suggestions() {
        let commands = ["send", "discover", "warm", "stats", "serve", "bench", "fleet", "demo"]
        #expect(UsageError.suggestion(for: "sned", among: commands) == "; did you mean 'send'?")
        #expect(UsageError.suggestion(for: "wram", among: commands) == "; did you mean 'warm'?")
        #expect(UsageError.suggestion(for: "benchmark", among: commands) == "")
        #expect(UsageError.suggestion(for: "hello", among: commands) == "")
        #expect(UsageError.editDistance("kitten", "sitting") == 3)
    }
}
