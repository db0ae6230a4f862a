#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A point in wall-clock time, as stored in the cache file: seconds since 1970. Wall time, not a monotonic
/// instant, because it must mean the same thing to the next teamchat process.
public struct WallTime: Hashable, Comparable, Sendable {
    public var secondsSince1970: Double

    public init(secondsSince1970: Double) {
        self.secondsSince1970 = secondsSince1970
    }

    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    public func advanced(by duration: Duration) -> WallTime {
        WallTime(secondsSince1970: secondsSince1970 + duration.seconds)
    }

    /// From `self` to `other` (both are range-checked when read, so the difference always fits).
    public func duration(to other: WallTime) -> Duration {
        Duration(checkedSeconds: other.secondsSince1970 - secondsSince1970) ?? .zero
    }

    /// Wall times teamchat accepts from a file: from 1970 to the year 2500.
    public static let plausibleRange: ClosedRange<Double> = 0...16_725_225_600
}

/// Where wall time comes from: the system in production, a fixed value in tests.
public protocol WallClock: Sendable {
    var now: WallTime { get }
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public var now: WallTime {
        WallTime(secondsSince1970: Date().timeIntervalSince1970)
    }
}
