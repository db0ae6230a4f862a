#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TeamChatModel
import TeamChatRoster
import Testing

@Suite("Roster files, the Tekton preset and selection", .timeLimit(.minutes(1)))
struct RosterTests {
    @Test("roster files: both shapes, and clear errors for bad ones")
    func rosterFiles() throws {
        let list = try RosterFile.parse(Data(#"[{"id":"a-ai","host":"h","port":1},{"id":"b","port":2}]"#.utf8), name: "x")
        #expect(list.map(\.id) == ["a-ai", "b"])
        #expect(list[1].address == .tekton(host: "127.0.0.1", port: 2))
        let wrapped = try RosterFile.parse(Data(#"{"specialists":[{"id":"c","host":"h","port":3}]}"#.utf8), name: "x")
        #expect(wrapped.map(\.address) == [.tekton(host: "h", port: 3)])
        for bad in ["{", "[{\"id\":\"a\"}]", "[{\"id\":\"a\",\"port\":0}]", "[{\"id\":\"a\",\"port\":1},{\"id\":\"a\",\"port\":2}]"] {
            #expect(throws: RosterError.self) { try RosterFile.parse(Data(bad.utf8), name: "x") }
        }
    }

    @Test("the Tekton preset honours the port base and per-name overrides")
    func tekton() throws {
        let standard = try TektonPreset.roster(environment: [:])
        #expect(standard.count == 18)
        func port(_ roster: [Specialist], _ id: String) -> Int? {
            guard case .tekton(_, let port)? = roster.first(where: { $0.id == id })?.address else { return nil }
            return port
        }
        #expect(port(standard, "apollo-ai") == 45012)
        #expect(port(standard, "hephaestus-ai") == 45080)
        let moved = try TektonPreset.roster(environment: ["TEKTON_AI_PORT_BASE": "50000", "APOLLO_AI_PORT": "61001"])
        #expect(port(moved, "engram-ai") == 50000)
        #expect(port(moved, "hephaestus-ai") == 50080)
        #expect(port(moved, "apollo-ai") == 61001)
        #expect(throws: RosterError.self) { try TektonPreset.roster(environment: ["TEKTON_AI_PORT_BASE": "x"]) }
    }

    @Test("--to and --exclude accept ids, base names and both suffixes, and reject unknown names")
    func selection() throws {
        let roster = try TektonPreset.roster(environment: [:])
        let picked = try SpecialistSelector.select(
            roster, include: SpecialistSelector.names(["apollo,athena-ci", "sophia-ai"]), exclude: ["athena"])
        #expect(picked.map(\.id) == ["apollo-ai", "sophia-ai"])
        #expect(try SpecialistSelector.select(roster, include: [], exclude: ["numa"]).count == 17)
        #expect(throws: RosterError.self) { try SpecialistSelector.select(roster, include: ["zeus"], exclude: []) }
    }
}
