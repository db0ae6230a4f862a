import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The entry point of TeamChatCore: sends requests to a team of specialists over pooled connections and reports
/// every outcome as it arrives.
///
/// One client keeps one connection pool per endpoint for its whole life, so successive rounds reuse warm
/// connections. Call ``shutdown()`` when done.
public final class TeamClient: Sendable {
    /// Settings that hold for the client's life.
    public struct Configuration: Sendable, Hashable {
        /// Connections per endpoint.
        public var maximumConnectionsPerEndpoint: Int
        /// The longest reply line accepted.
        public var maximumReplyBytes: Int
        /// Idle connections older than this are closed rather than reused.
        public var idleTimeout: Duration

        public init(
            maximumConnectionsPerEndpoint: Int = 5,
            maximumReplyBytes: Int = 16 * 1024 * 1024,
            idleTimeout: Duration = .seconds(60)
        ) {
            self.maximumConnectionsPerEndpoint = maximumConnectionsPerEndpoint
            self.maximumReplyBytes = maximumReplyBytes
            self.idleTimeout = idleTimeout
        }
    }

    public let configuration: Configuration
    let group: any EventLoopGroup
    private let pools = NIOLockedValueBox<[Endpoint: EndpointPool]>([:])
    let logger: Logger

    public init(
        configuration: Configuration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "teamchat", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
    }

    /// Sends `request` to every specialist at once and reports chunks and outcomes as they arrive, then a summary.
    ///
    /// - Parameters:
    ///   - skip: specialists (by index) not to ask, with the outcome to report for them at once (open breakers).
    /// Ending iteration early (or cancelling the consuming task) abandons the exchanges still running.
    public func round(
        _ request: WireRequest,
        to specialists: [Specialist],
        options: RoundOptions = .init(),
        skip: [Int: ExchangeError] = [:]
    ) -> RoundEvents {
        let (stream, continuation) = AsyncStream.makeStream(of: [RoundEvent].self)
        let events = RoundEvents(batches: stream)
        let line: ByteBuffer
        do {
            line = try request.encodedLine()
        } catch {
            var summary = RoundSummary(addressed: specialists.count, quorum: options.quorum ?? specialists.count)
            var batch: [RoundEvent] = []
            for (index, specialist) in specialists.enumerated() {
                let outcome = SpecialistOutcome(
                    index: index, specialist: specialist, result: .failure(error), elapsed: .zero)
                summary.add(outcome)
                batch.append(.outcome(outcome))
            }
            batch.append(.finished(summary))
            continuation.yield(batch)
            continuation.finish()
            return events
        }
        let run = RoundRun(
            client: self,
            specialists: specialists,
            request: line,
            expectation: request.expectation,
            options: options,
            continuation: continuation
        )
        continuation.onTermination = { _ in run.cancel() }
        run.start(skip: skip)
        return events
    }

    /// Runs a round and collects its outcomes (in arrival order) and summary.
    public func collect(
        _ request: WireRequest,
        to specialists: [Specialist],
        options: RoundOptions = .init(),
        skip: [Int: ExchangeError] = [:]
    ) async -> (outcomes: [SpecialistOutcome], summary: RoundSummary) {
        var outcomes: [SpecialistOutcome] = []
        var summary = RoundSummary(addressed: specialists.count, quorum: options.quorum ?? specialists.count)
        for await event in round(request, to: specialists, options: options, skip: skip) {
            switch event {
            case .outcome(let outcome): outcomes.append(outcome)
            case .finished(let final): summary = final
            case .chunk: break
            }
        }
        return (outcomes, summary)
    }

    /// Closes every connection and fails whatever waits. The client must not be used afterwards.
    public func shutdown() {
        let all = pools.withLockedValue { pools in
            defer { pools.removeAll() }
            return Array(pools.values)
        }
        for pool in all { pool.shutdown() }
    }

    /// The pool for an endpoint, created (and its host resolved, once) on first use.
    func pool(for endpoint: Endpoint) -> EndpointPool {
        pools.withLockedValue { pools in
            if let pool = pools[endpoint] { return pool }
            let pool = EndpointPool(
                endpoint: endpoint,
                address: Self.resolve(endpoint),
                configuration: .init(
                    maximumConnections: configuration.maximumConnectionsPerEndpoint,
                    idleTimeout: configuration.idleTimeout
                ),
                maximumReplyBytes: configuration.maximumReplyBytes,
                eventLoop: group.next()
            )
            pools[endpoint] = pool
            return pool
        }
    }

    /// IP literals are parsed; names are resolved once per pool (blocking, but `localhost` answers from
    /// /etc/hosts), so that no round pays for resolution.
    private static func resolve(_ endpoint: Endpoint) -> Result<SocketAddress, ExchangeError> {
        if let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port) {
            return .success(address)
        }
        let host = endpoint.host == "localhost" ? "127.0.0.1" : endpoint.host
        do {
            return .success(try SocketAddress.makeAddressResolvingHost(host, port: endpoint.port))
        } catch {
            return .failure(ExchangeError(.refused, "cannot resolve host '\(endpoint.host)'"))
        }
    }
}
