import TeamChatModel
import Testing

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    let start = WallTime(secondsSince1970: 1_000)

    func at(_ seconds: Double) -> WallTime { start.advanced(by: .milliseconds(Int64(seconds * 1_000))) }

    @Test("opens after three consecutive local failures, for 5 s")
    func opens() {
        var breaker = CircuitBreaker()
        breaker.record(.refused, now: at(0), jitter: 1)
        breaker.record(.timeout, now: at(0), jitter: 1)
        #expect(breaker.state == .closed(failures: 2))
        #expect(breaker.admit(now: at(0)) == .allow)
        breaker.record(.reset, now: at(1), jitter: 1)
        #expect(breaker.state == .open(until: at(6)))
        #expect(breaker.admit(now: at(2)) == .skip(remaining: .seconds(4)))
    }

    @Test("an error reply or a success resets the count; skips and cancellations do not count")
    func nonLocal() {
        var breaker = CircuitBreaker()
        breaker.record(.refused, now: at(0), jitter: 1)
        breaker.record(.refused, now: at(0), jitter: 1)
        breaker.record(.specialistError, now: at(0), jitter: 1)
        #expect(breaker.state == .closed(failures: 0))
        breaker.record(.refused, now: at(0), jitter: 1)
        breaker.record(.cancelled, now: at(0), jitter: 1)
        breaker.record(.breakerOpen, now: at(0), jitter: 1)
        #expect(breaker.state == .closed(failures: 1))
        breaker.record(nil, now: at(0), jitter: 1)
        #expect(breaker.state == .closed(failures: 0))
    }

    @Test("after the open period one trial goes through; others wait; success closes")
    func halfOpenSuccess() {
        var breaker = tripped(at: 0)
        #expect(breaker.admit(now: at(5)) == .trial)
        #expect(breaker.state == .halfOpen(since: at(5)))
        #expect(breaker.admit(now: at(5.5)) == .skip(remaining: .milliseconds(4_500)))
        breaker.record(nil, now: at(6), jitter: 1)
        #expect(breaker.state == .closed(failures: 0))
        #expect(breaker.trips == 0)
    }

    @Test("a failed trial re-opens for twice as long, up to 5 minutes")
    func doubling() {
        var breaker = tripped(at: 0)
        var now = 5.0
        var expected = [10.0, 20, 40, 80, 160, 300, 300]
        while !expected.isEmpty {
            #expect(breaker.admit(now: at(now)) == .trial)
            breaker.record(.timeout, now: at(now), jitter: 1)
            let period = expected.removeFirst()
            #expect(breaker.state == .open(until: at(now + period)))
            now += period
        }
    }

    @Test("jitter scales the open period")
    func jitter() {
        var breaker = CircuitBreaker()
        for _ in 0..<3 { breaker.record(.refused, now: at(0), jitter: 0.8) }
        #expect(breaker.state == .open(until: at(4)))
    }

    @Test("a trial whose outcome lands on a persisted open state (another process's trial) re-trips")
    func trialAgainstPersistedOpen() {
        var breaker = tripped(at: 0)
        breaker.record(.refused, now: at(2), jitter: 1)  // in flight when it opened: ignored
        #expect(breaker.state == .open(until: at(5)))
        breaker.record(.refused, now: at(7), jitter: 1)  // after `until`: a trial that failed
        #expect(breaker.state == .open(until: at(17)))
    }

    private func tripped(at seconds: Double) -> CircuitBreaker {
        var breaker = CircuitBreaker()
        for _ in 0..<3 { breaker.record(.refused, now: at(seconds), jitter: 1) }
        return breaker
    }

    @Test("latencies are chats' only: a ping or a probe answered at once adds none (stats and the page count chats)")
    func chatLatenciesOnly() {
        var health = SpecialistHealth()
        let now = WallTime(secondsSince1970: 1)
        health.record(SpecialistOutcome(index: 0, specialistID: "a", result: .success(.alive), elapsed: .microseconds(400)), now: now, jitter: 1)
        health.record(
            SpecialistOutcome(index: 0, specialistID: "a", result: .success(.info(SpecialistInfo(id: "a"))), elapsed: .microseconds(500)),
            now: now, jitter: 1)
        #expect(health.recentLatenciesMS.isEmpty)
        #expect(health.successes == 2)  // still answers: counted, and seen
        health.record(
            SpecialistOutcome(index: 0, specialistID: "a", result: .success(.answer(ChatAnswer(content: "x"))), elapsed: .milliseconds(250)),
            now: now, jitter: 1)
        #expect(health.recentLatenciesMS == [250])
        #expect(health.latencyPercentile(50) == 250)
    }
}
