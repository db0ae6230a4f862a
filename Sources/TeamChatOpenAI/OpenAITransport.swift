import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import TeamChatEngine
import TeamChatModel
import TeamChatOpenAICodec

/// The `openai` transport: OpenAI-compatible chat completions over teamchat's own pool (so connect times, reuse,
/// `warm`, health and breakers all work as for Tekton sockets), and the model list of an API as a team
/// (`teamchat discover --openai URL`).
public final class OpenAITransport: SpecialistTransport, TeamCatalog {
    private let pooled: PooledTransport
    private let wire: OpenAIProtocol
    private let group: any EventLoopGroup

    public init(
        _ wire: OpenAIProtocol = OpenAIProtocol(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "teamchat.openai")
    ) {
        self.wire = wire
        self.group = eventLoopGroup
        self.pooled = PooledTransport(wire, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    public var kind: TransportKind { .openAI }

    public func lease(_ requests: [LeaseRequest], observer: any ExchangeObserver) {
        pooled.lease(requests, observer: observer)
    }

    public func cancelLease(_ token: ExchangeToken, for specialist: Specialist) {
        pooled.cancelLease(token, for: specialist)
    }

    public func prewarm(_ specialist: Specialist, connections: Int, connectTimeout: Duration) async -> PrewarmResult {
        await pooled.prewarm(specialist, connections: connections, connectTimeout: connectTimeout)
    }

    public var statistics: TransportStatistics { pooled.statistics }

    public func statistics(for specialist: Specialist) -> TransportStatistics { pooled.statistics(for: specialist) }

    public func shutdown() async { await pooled.shutdown() }

    /// `GET {url}/models` on a connection of its own, one specialist per model (named by the model) whose name
    /// matches the source's glob.
    public func members(of source: RosterSource, options: RoundOptions) async -> Result<[Specialist], ExchangeError>? {
        guard case .openAI(let listing) = source else { return nil }
        let endpoint = OpenAIEndpoint(origin: listing.origin, model: "", apiKeyVariable: listing.apiKeyVariable)
        let key = listing.apiKeyVariable.flatMap(wire.keys.key)
        let head = OpenAIConnection.head(
            .GET, listing.origin.path("/models"), endpoint: endpoint, key: key, accept: "application/json")
        let fetched = await HTTPFetch.get(
            head, from: listing.origin, on: group.next(), timeout: options.effectiveDeadline,
            maximumBytes: options.maximumReplyBytes, tls: wire.tls)
        let response: HTTPFetch.Response
        switch fetched {
        case .success(let got): response = got
        case .failure(let error): return .failure(error)
        }
        // What the server lists is its words too: a model's name never carries the key either.
        let redactor = Redactor(secrets: [key].compactMap { $0 })
        guard (200..<300).contains(response.status.code) else {
            let words = redactor.redact(response.body.withUnsafeBytes { ChatCompletionCodec.errorText($0) })
            let refused = response.status == .unauthorized || response.status == .forbidden
            return .failure(
                ExchangeError(
                    refused ? .authentication : .httpStatus,
                    "GET \(listing.origin.path("/models")): HTTP \(response.status.code)\(words.isEmpty ? "" : ": \(words)")",
                    status: Int(response.status.code)))
        }
        guard let models = response.body.withUnsafeBytes({ ChatCompletionCodec.models($0) }) else {
            return .failure(.invalidReply("GET \(listing.origin.path("/models")) is not a model list"))
        }
        return .success(
            models.filter { model in listing.models.map { Glob.matches($0, model) } ?? true }
                .map { listing.specialist(model: redactor.redact($0)) })
    }
}
