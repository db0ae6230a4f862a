/// `--fail-if 'p99>+10%'`: a condition on a metric of the first mode's round latency (or throughput) relative to a
/// baseline report. The benchmark fails when any condition holds.
public struct RegressionGate: Sendable, Hashable, CustomStringConvertible {
    public enum Metric: String, Sendable, CaseIterable {
        case p50, p90, p99, p999 = "p99.9", max, throughput
    }

    public var metric: Metric
    /// `>`: fail when the metric grew by more than `percent`; `<`: fail when it shrank by more than `percent`.
    public var greater: Bool
    public var percent: Double

    /// Parses `p99>+10%`, `p50>5%`, `throughput<-10%`.
    public init?(parsing text: String) {
        let compact = text.filter { !$0.isWhitespace }
        guard let operatorIndex = compact.firstIndex(where: { $0 == ">" || $0 == "<" }),
            let metric = Metric(rawValue: String(compact[..<operatorIndex]).lowercased())
        else { return nil }
        var number = compact[compact.index(after: operatorIndex)...]
        guard number.hasSuffix("%") else { return nil }
        number.removeLast()
        if number.hasPrefix("+") || number.hasPrefix("-") { number.removeFirst() }
        guard let percent = Double(number), percent >= 0 else { return nil }
        self.metric = metric
        self.greater = compact[operatorIndex] == ">"
        self.percent = percent
    }

    public var description: String { "\(metric.rawValue)\(greater ? ">+" : "<-")\(percent)%" }

    /// The verdict, with the figures, or `nil` when the metric is missing from either report.
    public func evaluate(current: BenchReport, baseline: BenchReport) -> (failed: Bool, message: String)? {
        guard let now = Self.value(metric, in: current), let before = Self.value(metric, in: baseline), before > 0
        else { return nil }
        let change = (now - before) / before * 100
        let failed = greater ? change > percent : change < -percent
        let sign = change >= 0 ? "+" : ""
        let unit = metric == .throughput ? " rounds/s" : " ms"
        let rounded = (change * 10).rounded() / 10
        return (
            failed,
            "\(metric.rawValue): \(Self.format(now))\(unit) vs baseline \(Self.format(before))\(unit) "
                + "(\(sign)\(rounded)%; limit \(description))"
        )
    }

    static func value(_ metric: Metric, in report: BenchReport) -> Double? {
        guard let mode = report.modes.first else { return nil }
        let ladder = mode.roundLatencyCorrected ?? mode.roundLatency
        switch metric {
        case .p50: return ladder?.p50
        case .p90: return ladder?.p90
        case .p99: return ladder?.p99
        case .p999: return ladder?.p999
        case .max: return ladder?.max
        case .throughput: return mode.roundsPerSecond
        }
    }

    private static func format(_ value: Double) -> String {
        let scaled = (value * 1_000).rounded() / 1_000
        return "\(scaled)"
    }
}
