import Foundation
import TeamChatEngine
import TeamChatFleet
import TeamChatTestSupport
import Testing

@Suite("-v: each exchange as curl -v shows it, credentials redacted", .timeLimit(.minutes(1)))
struct VerboseTests {
    @Test("'>' request heads and Tekton lines, '<' response heads and a reply's start; the key never, on stderr only")
    func verbose() async throws {
        var team = [SimulatedSpecialistConfiguration(id: "engram-ai")]
        var model = SimulatedSpecialistConfiguration.team(count: 1, wire: .openai)[0]
        model.id = "model-ai"
        team.append(model)
        try await Fleet.withRunning(team) { fleet in
            let key = "sk-verbose-\(UUID().uuidString)"
            let entries = fleet.specialists.map { specialist -> String in
                switch specialist.address {
                case .openAI(let endpoint):
                    return #"{"id":"\#(specialist.id)","url":"\#(endpoint.origin)","model":"\#(endpoint.model)","api_key_env":"VERBOSE_KEY"}"#
                case .tekton(let host, let port):
                    return #"{"id":"\#(specialist.id)","host":"\#(host)","port":\#(port)}"#
                default:
                    return ""
                }
            }
            let roster = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-verbose-\(UUID()).json").path
            defer { try? FileManager.default.removeItem(atPath: roster) }
            try Data("[\(entries.joined(separator: ","))]".utf8).write(to: URL(fileURLWithPath: roster))
            guard case .tekton(_, let tektonPort) = fleet.specialists[0].address,
                case .openAI(let endpoint) = fleet.specialists[1].address
            else {
                Issue.record("the fleet is not a Tekton and an OpenAI member")
                return
            }

            let sent = try await BinaryRunner.run(
                ["send", "--roster", roster, "--no-cache", "--no-log", "-v", "hello there"], environment: ["VERBOSE_KEY": key])
            #expect(sent.status == 0, "\(sent.stderr)")
            let lines = sent.stderr.split(separator: "\n").map(String.init)
            let http = "\(endpoint.origin)"
            #expect(lines.contains("> \(http) POST \(endpoint.origin.path("/chat/completions")) HTTP/1.1"), "\(sent.stderr)")
            #expect(lines.contains { $0.hasPrefix("> \(http) ") && $0.lowercased().hasSuffix("authorization: [redacted]") })
            #expect(lines.contains("< \(http) HTTP/1.1 200 OK"))
            #expect(lines.contains { $0.hasPrefix("< \(http) ") && $0.lowercased().contains("content-type: ") })
            let tekton = "127.0.0.1:\(tektonPort)"
            // The ping that guards a new connection's first request, the request, then a line for each reply.
            #expect(lines.contains("> \(tekton) {\"type\":\"ping\"}"), "\(sent.stderr)")
            #expect(lines.contains { $0.hasPrefix("> \(tekton) {") && $0.contains(#""content":"hello there""#) })
            #expect(lines.contains { $0.hasPrefix("< \(tekton) {") && $0.contains("engram-ai: hello there") })
            #expect(!sent.stderr.contains(key) && !sent.stdout.contains(key))
            #expect(!sent.stdout.contains("> ") && sent.stdout.contains("engram-ai: hello there"))  // answers stay on stdout

            let quiet = try await BinaryRunner.run(["send", "--roster", roster, "-q", "-v", "hi"])
            #expect(quiet.status == 64 && quiet.stderr.contains("--quiet and --verbose contradict each other"))
        }
    }
}
