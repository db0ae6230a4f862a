import NIOCore

/// The monotonic clock the engine and the pools run on: the one SwiftNIO schedules timers with, so that an instant
/// converts to a `NIODeadline` exactly, with no drift between two clocks.
public struct UptimeClock: Clock {
    public struct Instant: InstantProtocol, Sendable {
        public var deadline: NIODeadline

        public init(_ deadline: NIODeadline) {
            self.deadline = deadline
        }

        public func advanced(by duration: Duration) -> Instant {
            Instant(deadline + TimeAmount(duration))
        }

        public func duration(to other: Instant) -> Duration {
            Duration(other.deadline - deadline)
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.deadline < rhs.deadline }
    }

    public init() {}

    public var now: Instant { Instant(.now()) }

    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let remaining = now.duration(to: deadline)
        if remaining > .zero { try await Task.sleep(for: remaining) }
    }
}
