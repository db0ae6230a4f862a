import NIOConcurrencyHelpers

/// A clock that moves only when a test says so.
public final class MockClock: Clock, Sendable {
    public struct Instant: InstantProtocol {
        public var offset: Duration

        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = NIOLockedValueBox(Instant(offset: .zero))

    public init() {}

    public var now: Instant { current.withLockedValue { $0 } }
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves the clock forward and returns the new time.
    @discardableResult
    public func advance(by duration: Duration) -> Instant {
        current.withLockedValue { current in
            current = current.advanced(by: duration)
            return current
        }
    }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        fatalError("the state machines never sleep")
    }
}
