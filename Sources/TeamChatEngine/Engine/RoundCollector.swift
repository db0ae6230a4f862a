import NIOConcurrencyHelpers
import TeamChatModel

/// Gathers a round's outcomes where its batches are delivered and resumes the one waiting task with the summary:
/// the consumer of ``RoundEngine/collect(_:to:options:health:breakers:)``, which wants the round only when it is
/// over. A stream would wake that task for every batch, on the thread that reads the answers, in the middle of the
/// round (about 5% of a warm round to 18).
///
/// The task's cancellation cancels the round, whichever comes first: the round's start or the cancellation.
final class RoundCollector: Sendable {
    typealias Collected = (outcomes: [SpecialistOutcome], summary: RoundSummary)

    private struct State {
        var outcomes: [SpecialistOutcome] = []
        var continuation: UnsafeContinuation<Collected, Never>?
        var handle: RoundHandle?
        var cancelled = false
    }

    private let state: NIOLockedValueBox<State>
    /// Hears each outcome as its batch is delivered (for progress), outside the collector's lock.
    private let progress: (@Sendable (SpecialistOutcome) -> Void)?

    init(expected: Int, progress: (@Sendable (SpecialistOutcome) -> Void)? = nil) {
        self.progress = progress
        var state = State()
        state.outcomes.reserveCapacity(expected)
        self.state = NIOLockedValueBox(state)
    }

    /// Where the result goes; set before the round starts.
    func wait(_ continuation: UnsafeContinuation<Collected, Never>) {
        state.withLockedValue { $0.continuation = continuation }
    }

    /// The round started: cancelled at once if the task was cancelled meanwhile. A round that already ended while it
    /// started (every lease refused at once, say) has resumed the task: its handle is not kept, or the two would
    /// hold each other for good.
    func started(_ handle: RoundHandle) {
        let cancelled = state.withLockedValue { state in
            guard state.continuation != nil else { return false }  // ended: resumed, nothing to hold or cancel
            state.handle = handle
            return state.cancelled
        }
        if cancelled { handle.cancel() }
    }

    /// The task was cancelled (from its cancellation handler): so is the round, on the round's event loop a moment
    /// later, as the handler holds the task's status lock (``RoundHandle/cancelFromHandler()``).
    func cancel() {
        let handle = state.withLockedValue { state in
            state.cancelled = true
            return state.handle
        }
        handle?.cancelFromHandler()
    }

    /// One of the round's batches; the one that ends with the summary resumes the task.
    func deliver(_ batch: [RoundEvent]) {
        if let progress {
            for case .outcome(let outcome) in batch { progress(outcome) }
        }
        let finished = state.withLockedValue { state -> (Collected, UnsafeContinuation<Collected, Never>)? in
            var summary: RoundSummary?
            for event in batch {
                switch event {
                case .outcome(let outcome): state.outcomes.append(outcome)
                case .finished(let final): summary = final
                case .chunk: break
                }
            }
            guard let summary, let continuation = state.continuation else { return nil }
            state.continuation = nil
            // The round holds this collector (its `deliver`), and the handle holds the round: let go of the handle
            // so that the two can be freed.
            state.handle = nil
            return ((state.outcomes, summary), continuation)
        }
        if let (collected, continuation) = finished { continuation.resume(returning: collected) }
    }
}
