/// The bookkeeping of one team-chat round, as a pure state machine: which addressed specialists still owe an
/// outcome, and when the round is over.
///
/// A round is over when every addressed specialist has an outcome, when the quorum is reached (if the round stops
/// there), when its deadline passes, or when it is cancelled. Outcomes for a specialist that already has one, or
/// that arrive after the end, are ignored, so a late reply can never be counted twice or after the summary.
public struct RoundStateMachine: Sendable, Hashable {
    /// What to do with an outcome just recorded.
    public enum RecordAction: Sendable, Hashable {
        /// Not pending (duplicate or too late): drop it.
        case ignore
        /// Deliver it; the round goes on.
        case deliver
        /// Deliver it; the round is over. `abandon` lists the specialists still pending, whose exchanges must be
        /// cancelled and reported as such.
        case deliverAndFinish(abandon: [Int])
    }

    private enum Phase: Hashable, Sendable {
        /// Outcomes are awaited. Moves to `finished`.
        case running
        /// The summary was emitted. Terminal.
        case finished
    }

    /// Specialists are numbered by their position in the round's list.
    public private(set) var pending: Set<Int>
    public private(set) var replied = 0
    public let quorum: Int
    public let finishAtQuorum: Bool
    private var phase: Phase = .running

    /// - Parameters:
    ///   - addressed: how many specialists the round addresses.
    ///   - quorum: how many replies make the round a success.
    ///   - finishAtQuorum: whether the round stops waiting once `quorum` replies arrived.
    public init(addressed: Int, quorum: Int, finishAtQuorum: Bool) {
        self.pending = Set(0..<addressed)
        self.quorum = quorum
        self.finishAtQuorum = finishAtQuorum
    }

    public var isFinished: Bool { phase == .finished }

    /// Whether `index` still owes an outcome (chunks for others are dropped).
    public func isPending(_ index: Int) -> Bool {
        phase == .running && pending.contains(index)
    }

    /// Records an outcome for specialist `index`.
    public mutating func record(_ index: Int, success: Bool) -> RecordAction {
        guard isPending(index) else { return .ignore }
        pending.remove(index)
        if success { replied += 1 }
        if pending.isEmpty {
            phase = .finished
            return .deliverAndFinish(abandon: [])
        }
        if finishAtQuorum, success, replied >= quorum {
            return finish()
        }
        return .deliver
    }

    /// The round deadline passed, or the round is cancelled: returns the specialists still pending, in order,
    /// whose exchanges must be abandoned. Empty when the round is already over.
    public mutating func stop() -> [Int] {
        guard phase == .running else { return [] }
        guard case .deliverAndFinish(let abandon) = finish() else { return [] }
        return abandon
    }

    private mutating func finish() -> RecordAction {
        phase = .finished
        let abandoned = pending.sorted()
        pending.removeAll()
        return .deliverAndFinish(abandon: abandoned)
    }
}
