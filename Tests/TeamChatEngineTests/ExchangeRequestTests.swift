import TeamChatEngine
import Testing

@Suite("Exchange request")
struct ExchangeRequestTests {
    @Test("each transport's encoding is made once per request, kept apart by key, and remade for another type")
    func memoized() {
        let request = ExchangeRequest(.chat("hi"), limits: ExchangeLimits(maximumReplyBytes: 1 << 20))
        var made = 0
        for _ in 0..<3 {
            #expect(request.memoized("tekton") { made += 1; return "line \(made)" } == "line 1")
        }
        #expect(request.memoized("bus-round") { made += 1; return "round \(made)" } == "round 2")
        #expect(request.memoized("tekton") { made += 1; return "line \(made)" } == "line 1")
        // Asked under the same key for another type: made again, and kept in place of the first.
        #expect(request.memoized("tekton") { made += 1; return made } == 3)
        #expect(request.memoized("tekton") { made += 1; return made } == 3)
        #expect(request.memoized("bus-round") { made += 1; return "round \(made)" } == "round 2")
    }
}
