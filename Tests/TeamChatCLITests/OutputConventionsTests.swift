import Foundation
import TeamChatFleet
import TeamChatTestSupport
import Testing

@Suite("Conventions: --color, -q, teamchat completion", .timeLimit(.minutes(1)))
struct OutputConventionsTests {
    @Test("--color always colours a pipe, never keeps a terminal's plain; -q says no warnings")
    func colorAndQuiet() async throws {
        try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 1)) { fleet in
            // A roster with a key teamchat does not know: a warning, which -q keeps quiet.
            let roster = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-conv-\(UUID()).json")
            defer { try? FileManager.default.removeItem(at: roster) }
            guard case .tekton(let host, let port) = fleet.specialists[0].address else { return }
            try #"[{"id":"engram-ai","host":"\#(host)","port":\#(port),"colour":"blue"}]"#.write(to: roster, atomically: true, encoding: .utf8)
            let plain = try await BinaryRunner.run(["send", "--roster", roster.path, "--no-log", "hi"])
            #expect(!plain.stdout.contains("\u{1B}["))
            #expect(plain.stderr.contains("unknown key 'colour' ignored"))
            let always = try await BinaryRunner.run(["send", "--roster", roster.path, "--no-log", "--color", "always", "hi"])
            #expect(always.stdout.contains("\u{1B}[32m"))
            let quiet = try await BinaryRunner.run(["send", "--roster", roster.path, "--no-log", "-q", "hi"])
            #expect(quiet.status == 0)
            #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
            let never = try PseudoTerminal()
            let process = try never.launch(["send", "--roster", roster.path, "--no-log", "--color", "never", "hi"])
            #expect(await process.exits())
            #expect(await never.waitFor("engram-ai: hi"))
            #expect(!never.screen.contains("\u{1B}[32m"))
            let bad = try await BinaryRunner.run(["send", "--color", "sometimes", "hi"])
            #expect(bad.status == 64)
        }
    }

    @Test("teamchat completion prints each shell's script")
    func completion() async throws {
        for (shell, marker) in [("bash", "-F _teamchat teamchat"), ("zsh", "#compdef teamchat"), ("fish", "complete -c 'teamchat'")] {
            let script = try await BinaryRunner.run(["completion", shell])
            #expect(script.status == 0)
            #expect(script.stdout.contains(marker), "\(shell)")
        }
        #expect(try await BinaryRunner.run(["completion", "tcsh"]).status == 64)
    }
}
