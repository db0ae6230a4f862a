import TeamChatCore
import Testing

@Suite("Round state machine")
struct RoundStateMachineTests {
    @Test("the round ends with the last outcome")
    func allOutcomes() {
        var round = RoundStateMachine(addressed: 3, quorum: 3, finishAtQuorum: true)
        #expect(round.record(1, success: true) == .deliver)
        #expect(round.record(0, success: false) == .deliver)
        #expect(round.record(2, success: true) == .deliverAndFinish(abandon: []))
        #expect(round.isFinished)
        #expect(round.replied == 2)
    }

    @Test("a second outcome for the same specialist, or one after the end, is ignored")
    func duplicates() {
        var round = RoundStateMachine(addressed: 2, quorum: 2, finishAtQuorum: true)
        #expect(round.record(0, success: true) == .deliver)
        #expect(round.record(0, success: false) == .ignore)
        #expect(round.record(1, success: true) == .deliverAndFinish(abandon: []))
        #expect(round.record(1, success: true) == .ignore)
        #expect(round.stop() == [])
    }

    @Test("reaching the quorum ends the round and abandons the rest, in order")
    func quorum() {
        var round = RoundStateMachine(addressed: 5, quorum: 2, finishAtQuorum: true)
        #expect(round.record(3, success: false) == .deliver)
        #expect(round.record(4, success: true) == .deliver)
        #expect(round.record(1, success: true) == .deliverAndFinish(abandon: [0, 2]))
        #expect(round.isPending(0) == false)
    }

    @Test("without finishAtQuorum the round waits for everyone")
    func noEarlyFinish() {
        var round = RoundStateMachine(addressed: 3, quorum: 1, finishAtQuorum: false)
        #expect(round.record(0, success: true) == .deliver)
        #expect(round.record(1, success: true) == .deliver)
    }

    @Test("the deadline abandons exactly the pending specialists")
    func deadline() {
        var round = RoundStateMachine(addressed: 4, quorum: 4, finishAtQuorum: true)
        _ = round.record(2, success: true)
        #expect(round.stop() == [0, 1, 3])
        #expect(round.record(0, success: true) == .ignore)
        #expect(round.stop() == [])
    }
}
