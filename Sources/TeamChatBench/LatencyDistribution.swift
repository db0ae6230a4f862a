import Histogram
import TeamChatEngine

/// Latencies recorded into an HdrHistogram at microsecond resolution with 3 significant digits: the percentile
/// method every report states. Mergeable, so per-worker or per-mode distributions add up exactly.
public struct LatencyDistribution: Sendable {
    private var histogram: Histogram<UInt64>

    public init() {
        histogram = Histogram(numberOfSignificantValueDigits: .three)
    }

    /// An empty distribution sized for values up to `largestMilliseconds`, which then grows for none of them.
    /// Grown value by value, an HdrHistogram copies its counts through the library's unspecialised generic code at
    /// every growth (about half a millisecond each): a report of 1,000 specialists spent 0.7 s in it, sized at the
    /// start a sixth of that. Larger values are still recorded (it grows for them).
    public init(largestMilliseconds: Double) {
        histogram = Histogram(
            highestTrackableValue: max(2, Self.microseconds(largestMilliseconds)), numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    /// The distribution of `values` (milliseconds), sized at the start to the largest of them.
    public init(milliseconds values: some Collection<Double>) {
        self.init(largestMilliseconds: values.max { Self.microseconds($0) < Self.microseconds($1) } ?? 0)
        for value in values { record(milliseconds: value) }
    }

    /// How the percentiles are computed, for reports.
    public static let method = "HdrHistogram, 3 significant digits, microsecond resolution"

    public var count: Int { Int(histogram.totalCount) }

    /// The largest value recorded: longer latencies (only a corrupt recording has them) count as this.
    public static let maximumMilliseconds = 1e9

    public mutating func record(_ duration: Duration) {
        record(milliseconds: duration.milliseconds)
    }

    /// Records a latency; values out of range (negative, not finite, beyond ``maximumMilliseconds``) are clamped.
    public mutating func record(milliseconds: Double) {
        _ = histogram.record(Self.microseconds(milliseconds))
    }

    /// What is recorded for `milliseconds`: whole microseconds, at least 1, clamped to the range.
    private static func microseconds(_ milliseconds: Double) -> UInt64 {
        let clamped = milliseconds.isFinite ? min(max(milliseconds, 0), maximumMilliseconds) : maximumMilliseconds
        return max(1, UInt64((clamped * 1_000).rounded()))
    }

    /// Adds every value recorded in `other`.
    public mutating func add(_ other: LatencyDistribution) {
        histogram.add(other.histogram)
    }

    /// The value at `percentile` (0…100), in milliseconds; `nil` when empty.
    public func percentile(_ percentile: Double) -> Double? {
        count == 0 ? nil : Double(histogram.valueAtPercentile(percentile)) / 1_000
    }

    public var maximum: Double? { count == 0 ? nil : Double(histogram.max) / 1_000 }

    /// The percentile ladder of reports: p50, p90, p99, p99.9 and max.
    public var ladder: Ladder? {
        guard count > 0, let p50 = percentile(50), let p90 = percentile(90), let p99 = percentile(99),
            let p999 = percentile(99.9), let max = maximum
        else { return nil }
        return Ladder(
            p50: p50, p90: p90, p99: p99, p999: p999, max: max, mean: histogram.mean / 1_000,
            stdev: histogram.stdDeviation / 1_000)
    }

    /// Percentiles in milliseconds.
    public struct Ladder: Codable, Hashable, Sendable {
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
        /// The average and its standard deviation (as oha prints beside the percentiles); absent in reports of
        /// earlier teamchats.
        public var mean: Double?
        public var stdev: Double?

        public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double? = nil, stdev: Double? = nil) {
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.p999 = p999
            self.max = max
            self.mean = mean
            self.stdev = stdev
        }

        enum CodingKeys: String, CodingKey {
            case p50, p90, p99, max, mean, stdev
            case p999 = "p99_9"
        }
    }
}
