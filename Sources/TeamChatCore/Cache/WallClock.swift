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

    /// From `self` to `other`.
    public func duration(to other: WallTime) -> Duration {
        .milliseconds(Int64(((other.secondsSince1970 - secondsSince1970) * 1_000).rounded()))
    }

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

extension Duration {
    /// Seconds as a `Double`.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
