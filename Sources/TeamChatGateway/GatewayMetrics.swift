import CoreMetrics
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import TeamChatModel

/// The gateway's metrics, through swift-metrics into a Prometheus registry of its own (so that a process may run
/// several gateways, as the tests do, without a global bootstrap), rendered at `GET /metrics`.
///
/// - `teamchat_round_duration_seconds` (histogram, buckets from 50 µs), `teamchat_rounds_total{route}`,
///   `teamchat_rounds_in_flight`;
/// - `teamchat_specialist_outcomes_total{specialist,kind}` (`kind` is `ok` or the error kind);
/// - `teamchat_http_requests_total{route,status}`, `teamchat_connections`, `teamchat_clients_dropped_total{reason}`.
public final class GatewayMetrics: Sendable {
    /// Round latencies from the loopback floor (tens of microseconds) to the longest deadlines.
    public static let latencyBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60),
    ]

    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let roundDuration: Metrics.Timer
    private let inFlight: Meter
    private let connectionCount: Meter
    /// Counters by their labels, made once: making one takes the registry's lock and builds its name.
    private let counters = NIOLockedValueBox<[String: CoreMetrics.Counter]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
        roundDuration = Metrics.Timer(label: "teamchat_round_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        inFlight = Meter(label: "teamchat_rounds_in_flight", factory: factory)
        connectionCount = Meter(label: "teamchat_connections", factory: factory)
    }

    func roundStarted() {
        inFlight.increment()
    }

    /// A round ended: its duration, and each specialist's outcome.
    func roundFinished(route: GatewayRoute, summary: RoundSummary, outcomes: [SpecialistOutcome]) {
        inFlight.decrement()
        roundDuration.record(duration: summary.elapsed)
        counter("teamchat_rounds_total", [("route", route.name)]).increment()
        for outcome in outcomes {
            counter("teamchat_specialist_outcomes_total", [
                ("specialist", outcome.specialistID), ("kind", outcome.error?.kind.rawValue ?? "ok"),
            ]).increment()
            // Tokens as the specialist's server reported them (none counted for one that said nothing).
            if let usage = outcome.answer?.usage {
                counter("teamchat_tokens_total", [("specialist", outcome.specialistID), ("kind", "prompt")])
                    .increment(by: Int64(usage.promptTokens))
                counter("teamchat_tokens_total", [("specialist", outcome.specialistID), ("kind", "completion")])
                    .increment(by: Int64(usage.completionTokens))
            }
        }
    }

    func requestAnswered(route: String, status: UInt) {
        counter("teamchat_http_requests_total", [("route", route), ("status", String(status))]).increment()
    }

    /// A client dropped for how it behaved: `kind` is `unread` (it did not read what it was sent), `flood` (control
    /// frames past their budget), `evicted` (its place was needed), `protocol` (a frame that breaks RFC 6455).
    func clientDropped(_ kind: String) {
        counter("teamchat_clients_dropped_total", [("reason", kind)]).increment()
    }

    func connectionOpened() { connectionCount.increment() }
    func connectionClosed() { connectionCount.decrement() }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return counters.withLockedValue { counters in
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = counter
            return counter
        }
    }
}
