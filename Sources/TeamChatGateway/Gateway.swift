import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import ServiceLifecycle
import TeamChatJudge
import TeamChatLog
import TeamChatModel
import TeamChatOpenAICodec
import TeamChatRoster
import TeamChatSession

/// `teamchat serve`: one long-lived team session served to everyone who asks — the seed's HTTP API, server-sent
/// events, WebSocket rounds, Prometheus metrics, and a local control socket through which `send`, `warm` and
/// `stats` use the gateway's warm pools (DESIGN §7).
///
/// The HTTP side is plain SwiftNIO: each connection's handler parses a request, starts a round with
/// ``TeamSession/start(_:to:options:breakers:deliver:)`` and writes its events from event-loop callbacks, so a
/// round costs no task and a client that goes away cancels its round at once. What must run as a task (the
/// background refresh, `warm`) runs as a child of ``run()``.
///
/// Lifecycle (swift-service-lifecycle): ``run()`` resolves the team, binds, serves, and on graceful shutdown stops
/// accepting, lets the rounds in flight finish within their deadlines, closes every connection and removes the
/// control socket. The session is the caller's: it persists health periodically and when it closes.
public final class Gateway: Service, Sendable {
    public let session: TeamSession
    public let configuration: GatewayConfiguration
    public let metrics: GatewayMetrics
    let logger: Logger
    let group: any EventLoopGroup
    private let state: NIOLockedValueBox<State>
    private let listening: EventLoopPromise<[SocketAddress]>
    private let jobs: AsyncStream<@Sendable () async -> Void>
    private let jobQueue: AsyncStream<@Sendable () async -> Void>.Continuation
    /// The round log, when rounds are kept (``GatewayConfiguration/roundLog``).
    let roundLog: GatewayRoundLog?
    /// When it was made, in seconds since 1970 (the `created` of the models it lists).
    let startedAt: Double

    private struct State {
        var roster: [Specialist] = []
        var inFlight = 0
        var draining = false
        var drained: [CheckedContinuation<Void, Never>] = []
        /// What each client connection is doing, for the cap.
        var registry: ConnectionRegistry<ObjectIdentifier, NIODeadline>
        var channels: [ObjectIdentifier: any Channel] = [:]
        var requestCount: UInt64 = 0
    }

    public init(
        session: TeamSession,
        configuration: GatewayConfiguration,
        logger: Logger = Logger(label: "teamchat.serve"),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.session = session
        self.configuration = configuration
        self.metrics = GatewayMetrics()
        self.logger = logger
        self.group = group
        self.listening = group.next().makePromise(of: [SocketAddress].self)
        self.state = NIOLockedValueBox(State(registry: ConnectionRegistry(capacity: configuration.maximumConnections)))
        (jobs, jobQueue) = AsyncStream.makeStream(of: (@Sendable () async -> Void).self)
        roundLog = configuration.roundLog.map { GatewayRoundLog($0, timer: group.next(), logger: logger) }
        startedAt = SystemWallClock().now.secondsSince1970
    }

    /// Where the gateway listens (TCP first, then the control socket), once it does.
    public func addresses() async throws -> [SocketAddress] {
        try await listening.futureResult.get()
    }

    // MARK: Service

    public func run() async throws {
        let channels: [any Channel]
        do {
            let roster = try await session.roster()
            state.withLockedValue { $0.roster = roster.specialists }
            channels = try await bind()
        } catch {
            listening.fail(error)
            await roundLog?.shutdown()
            configuration.controlSocket?.release()
            throw error
        }
        listening.succeed(channels.compactMap(\.localAddress))
        logger.info(
            "serving",
            metadata: [
                "listen": "\(channels.first?.localAddress.map(String.init(describing:)) ?? "?")",
                "control_socket": "\(configuration.controlSocket?.path ?? "none")",
                "team": "\(session.source)", "specialists": "\(state.withLockedValue { $0.roster.count })",
            ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.refreshTeam() }
            group.addTask {
                await withTaskGroup(of: Void.self) { work in
                    for await job in self.jobs { work.addTask { await job() } }
                }
            }
            // Until a graceful shutdown (SIGTERM, SIGINT) or cancellation.
            let cancelled = (try? await gracefulShutdown()) == nil
            logger.info("shutting down", metadata: ["rounds_in_flight": "\(state.withLockedValue { $0.inFlight })"])
            for channel in channels { try? await channel.close() }
            state.withLockedValue { $0.draining = true }
            if cancelled { closeConnections() }
            await roundsFinished()
            jobQueue.finish()
            group.cancelAll()
        }
        closeConnections()
        await roundLog?.shutdown()
        configuration.controlSocket?.release()
        logger.info("stopped")
    }

    /// Binds the HTTP listener, and the control socket when one was claimed.
    private func bind() async throws -> [any Channel] {
        var channels: [any Channel] = []
        do {
            channels.append(try await bootstrap(listener: .network)
                .bind(host: configuration.host, port: configuration.port).get())
            if let control = configuration.controlSocket {
                // The control socket is the user's own (its directory is 0700 and theirs, the socket 0600): no
                // token is asked there, and no browser can reach it. The path was checked when it was claimed.
                channels.append(try await bootstrap(listener: .controlSocket)
                    .bind(unixDomainSocketPath: control.path).get())
                try control.restrictSocket()
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        return channels
    }

    /// Which listener a connection came in on: what it is asked for.
    enum Listener: Sendable {
        /// TCP: the token (when one is set), and the browser rules of ``OriginPolicy``.
        case network
        /// The control socket: the user's own, and out of any browser's reach.
        case controlSocket
    }

    private func bootstrap(listener: Listener) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 1_024)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            // What a client leaves unread: past 256 KiB its channel is not writable, and the gateway stops writing to
            // it (``ClientOutput``).
            .childChannelOption(
                ChannelOptions.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 256 * 1024))
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.configure(channel, listener: listener)
                }
            }
    }

    /// One client connection's pipeline: a watcher of the first bytes of each request (for its timer), HTTP/1.1
    /// (with WebSocket upgrade on its route) and the gateway's handler.
    private func configure(_ channel: any Channel, listener: Listener) throws {
        guard admit(channel) else {
            channel.close(promise: nil)
            return
        }
        let requiresToken = listener == .network && configuration.token != nil
        let policy = listener == .network ? configuration.originPolicy : nil
        let handler = GatewayHTTPHandler(
            gateway: self, listener: listener, requiresToken: requiresToken, originPolicy: policy)
        let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: configuration.maximumBodyBytes,
            automaticErrorHandling: true,
            shouldUpgrade: { [self] channel, head in
                var allowed = head.uri.hasPrefix("/api/team-chat/ws") && (!requiresToken || authorized(head.headers))
                // A page of another origin may not open the socket: it would read every answer (cross-site WebSocket
                // hijacking). Refused here, the request then gets its answer (403) as an ordinary one.
                if let policy, policy.refusal(head, changesState: true, isPage: false) != nil { allowed = false }
                // A browser that offers subprotocols drops a socket whose answer names none of them.
                var answer = HTTPHeaders()
                if Self.offeredSubprotocols(head.headers).contains(GatewayPage.subprotocol) {
                    answer.add(name: "sec-websocket-protocol", value: GatewayPage.subprotocol)
                }
                return channel.eventLoop.makeSucceededFuture(allowed ? answer : nil)
            },
            upgradePipelineHandler: { [self] channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        WebSocketFrameValidator(),
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 1_024,
                            maxAccumulatedFrameSize: configuration.maximumBodyBytes),
                        GatewayWebSocketHandler(gateway: self, listener: listener),
                    ])
                }
            })
        try channel.pipeline.syncOperations.addHandler(RequestBytesWatcher())
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
            withServerUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    _ = context.pipeline.syncOperations.removeHandler(bound.value)
                }
            ),
            withErrorHandling: true)
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    // MARK: The team

    /// The roster every round is addressed from: resolved at start, replaced by each background discovery.
    public var roster: [Specialist] {
        state.withLockedValue { $0.roster }
    }

    /// Re-probes the team before its TTL runs out, for as long as the gateway runs; requests never wait for it.
    private func refreshTeam() async {
        let ttl = session.configuration.ttl
        let interval = max(ttl * 0.75, .seconds(1))
        var delay = session.cachedTeam?.discoveredAt.map { discovered in
            // Already stale, or about to be: at once.
            max(.zero, interval - discovered.duration(to: session.configuration.clock.now))
        } ?? interval
        while (try? await Task.sleep(for: delay)) != nil {
            delay = interval
            guard let report = try? await session.discover() else { continue }
            // A discovery in which nobody answered keeps the team as it was: they may be back in a moment.
            if !report.roster.isEmpty {
                state.withLockedValue { $0.roster = report.roster }
                logger.debug("team refreshed", metadata: ["specialists": "\(report.roster.count)"])
            }
        }
    }

    /// The team as the cache would hold it, with the health this gateway has now.
    func currentTeam() -> SpecialistCache.Team {
        let roster = self.roster
        let health = session.health.snapshot()
        let cached = session.cachedTeam
        let cachedHealth = cached?.health ?? [:]
        var team = SpecialistCache.Team(
            source: session.source.description, discoveredAt: cached?.discoveredAt, ttl: session.configuration.ttl,
            usedAt: session.configuration.clock.now,
            specialists: roster.map { SpecialistCache.Entry($0, health: health[$0.id] ?? cachedHealth[$0.id] ?? .init()) })
        if let cached { team.usedAt = cached.usedAt }
        return team
    }

    // MARK: Rounds

    /// A round a handler started.
    struct StartedRound {
        var team: [Specialist]
        var handle: GatewayRoundHandle
        /// The conversation it is kept in; nil when the gateway keeps no log or the round came over the control
        /// socket (whose `send` keeps its own).
        var conversation: String?
    }

    /// Fills in a round's conversation before it starts (DESIGN §9): a request naming one the log knows gets each
    /// member's own thread of it, read off the event loop; one naming an unknown id starts it under that name; one
    /// naming none starts a new one. The control socket's client (`send`) keeps its own conversations, and a
    /// gateway without a round log has none: naming one there is refused.
    func prepare(_ request: GatewayRoundRequest, listener: Listener, on loop: any EventLoop)
        -> EventLoopFuture<GatewayRoundRequest>
    {
        var request = request
        if let facade = request.facade { return prepare(request, facade: facade, listener: listener, on: loop) }
        guard listener == .network, let roundLog, request.message != nil, request.threads.isEmpty else {
            if let id = request.conversationID {
                let why = listener == .network
                    ? "this gateway keeps no round log (it runs with --no-log), so it has no conversation '\(id)'"
                    : "the control socket takes threads, not a conversation_id (send keeps its own conversations)"
                return loop.makeFailedFuture(GatewayError(listener == .network ? .conflict : .badRequest, why))
            }
            return loop.makeSucceededFuture(request)
        }
        guard let id = request.conversationID else {
            request.conversationID = ConversationThreads.newID()
            return loop.makeSucceededFuture(request)
        }
        let (roster, asked) = (self.roster(for: request), request)
        return roundLog.conversation(id, on: loop).map { rounds in
            var request = asked
            request.threads = ConversationThreads(rounds: rounds).threads(for: roster).mapValues(\.turns)
            return request
        }.flatMapErrorThrowing { error in
            if let error = error as? GatewayError { throw error }
            throw GatewayError(.internalServerError, "the round log could not be read: \(error)")
        }
    }

    /// The served roster as the team `request` names sees it, with that team's overrides (`context: server`
    /// among them); a name this gateway does not know is ``startRound(_:route:listener:deliver:)``'s to refuse.
    private func roster(for request: GatewayRoundRequest) -> [Specialist] {
        guard let name = request.team, let named = configuration.teams.first(where: { $0.name == name }) else {
            return roster
        }
        return named.overriding(roster)
    }

    /// A facade round's threads (DESIGN §7): when the log holds every round of the client's chat so far (it
    /// answered each, and the client changed none), each member's own thread of that conversation, which the round
    /// continues; else — a new chat, an edited one, another gateway's, no log — the client's turns as sent, to
    /// every member, in a new conversation.
    private func prepare(
        _ request: GatewayRoundRequest, facade: FacadeChat, listener: Listener, on loop: any EventLoop
    ) -> EventLoopFuture<GatewayRoundRequest> {
        let roster = self.roster(for: request)
        var asSent = request
        // A member that keeps its own conversation (`context: server`) is sent no thread, as in every round.
        let threaded = roster.filter { !$0.keepsOwnContext }
        asSent.threads = facade.history.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: threaded.map { ($0.id, facade.history) })
        guard listener == .network, let roundLog else { return loop.makeSucceededFuture(asSent) }
        asSent.conversationID = ConversationThreads.newID()
        let keys = ChatTranscript(facade.history).answeredKeys
        guard !keys.isEmpty, !facade.task else { return loop.makeSucceededFuture(asSent) }
        let fresh = asSent
        return roundLog.chain(keys, on: loop).map { rounds in
            guard rounds.count == keys.count, let conversation = rounds.last?.conversation else { return fresh }
            var request = request
            request.conversationID = conversation
            request.threads = ConversationThreads(rounds: rounds).threads(for: roster).mapValues(\.turns)
            return request
        }.flatMapErrorThrowing { error in
            throw GatewayError(.internalServerError, "the round log could not be read: \(error)")
        }
    }

    /// Starts a round for a client: selects the team (a named team's members and overrides when it names one),
    /// applies the request's budgets, and hands everything the client is sent to `deliver`, in order, from whichever
    /// thread produced it (a handler hops to its own loop): the members' events, the judge's or council's when one
    /// was asked for, then the end.
    func startRound(
        _ request: GatewayRoundRequest,
        route: GatewayRoute,
        listener: Listener,
        deliver: @escaping @Sendable (GatewayRoundOutput) -> Void
    ) -> Result<StartedRound, GatewayError> {
        var roster = self.roster
        var named: NamedTeam?
        if let name = request.team {
            guard let found = configuration.teams.first(where: { $0.name == name }) else {
                let known = configuration.teams.map(\.name)
                return .failure(GatewayError(
                    .notFound, "no team '\(name)' here (teams: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"))
            }
            named = found
            roster = found.overriding(roster)
        }
        let team: [Specialist]
        do {
            let include = request.to.isEmpty ? named?.members ?? [] : request.to
            team = try SpecialistSelector.select(roster, include: include, exclude: request.exclude)
        } catch {
            return .failure(.badRequest(error.message))
        }
        guard !team.isEmpty else {
            return .failure(self.roster.isEmpty
                ? GatewayError(.serviceUnavailable, "no specialist answered discovery of \(session.source)")
                : .badRequest("no specialist to ask"))
        }
        let synthesis: Synthesis?
        switch makeSynthesis(request, team: named, roster: roster) {
        case .success(let made): synthesis = made
        case .failure(let error): return .failure(error)
        }
        if let refused = beginWork() { return .failure(refused) }
        var options = request.options(
            defaults: configuration.roundDefaults, maximumDeadline: configuration.maximumDeadline, addressed: team.count)
        if let named, request.quorum == nil, let quorum = named.quorum { options.quorum = min(quorum, team.count) }
        if let named {
            options.memberTimeouts = named.memberTimeouts(of: team).mapValues { min($0, configuration.maximumDeadline) }
            if options.effectiveDeadline > configuration.maximumDeadline { options.deadline = configuration.maximumDeadline }
        }
        metrics.roundStarted()
        let startedAt = SystemWallClock().now.secondsSince1970
        let log = listener == .network ? roundLog : nil
        let conversation = log == nil ? nil : request.conversationID
        let outcomes = NIOLockedValueBox<[SpecialistOutcome]>([])
        let (cancelled, cancel) = synthesis == nil ? (nil, nil) : AsyncStream.makeStream(of: Void.self)
        let handle = session.start(request.teamRequest, to: team, options: options, breakers: request.breakers) {
            [self] batch in
            var finished: RoundSummary?
            for event in batch {
                switch event {
                case .outcome(let outcome): outcomes.withLockedValue { $0.append(outcome) }
                case .finished(let summary): finished = summary
                case .chunk: break
                }
            }
            guard let finished else { return deliver(.events(batch)) }
            let outcomes = outcomes.withLockedValue { $0 }
            let keep: @Sendable (JudgeVerdict?) -> Void = { verdict in
                if let log, let message = request.message {
                    var round = LoggedRound(
                        conversation: conversation, startedAt: startedAt, source: self.session.source.description,
                        via: request.facade == nil ? "gateway" : "facade", message: message, summary: finished,
                        outcomes: outcomes)
                    if let verdict, let answer = LoggedRound.Answer(verdict) { round.answers.append(answer) }
                    if let facade = request.facade {
                        let answer = ChatCompletionResponder.content(
                            answers: ChatCompletionResponder.answers(outcomes), verdict: verdict, task: facade.task)
                        round.transcript = facade.key(question: message, answer: answer)
                    }
                    log.record(round)
                }
            }
            guard let synthesis, let cancelled, let question = request.message else {
                // Queued for the log before the client hears the round ended: its next request, which may continue
                // the conversation, reads behind this record.
                keep(nil)
                metrics.roundFinished(route: route, summary: finished, outcomes: outcomes)
                // After `deliver` queued the last write on the client's loop: a shutdown waiting for this round
                // closes the connection only behind it.
                deliver(.lastEvents(batch))
                cancel?.finish()
                endWork()
                return
            }
            deliver(.events(batch))
            metrics.roundFinished(route: route, summary: finished, outcomes: outcomes)
            jobQueue.yield { [self] in
                let verdict = await synthesize(
                    synthesis, question: question, team: team, outcomes: outcomes, cancelled: cancelled, deliver: deliver)
                keep(verdict)
                deliver(.end(verdict))
                cancel?.finish()
                endWork()
            }
        }
        return .success(StartedRound(
            team: team, handle: GatewayRoundHandle(round: handle, synthesis: cancel), conversation: conversation))
    }

    /// The judge or council a request asks for (its `judge` and `mode`, else its named team's); nil for none.
    private func makeSynthesis(
        _ request: GatewayRoundRequest, team: NamedTeam?, roster: [Specialist]
    ) -> Result<Synthesis?, GatewayError> {
        let ids = request.judge.isEmpty ? team?.judge ?? [] : request.judge
        let mode = request.mode ?? team?.mode ?? (ids.isEmpty ? .panel : .judge)
        guard request.message != nil, mode != .panel else { return .success(nil) }
        var judges: [Specialist] = []
        for id in ids {
            guard let judge = roster.first(where: { $0.id == id }) else {
                return .failure(.badRequest("no specialist '\(id)' to judge (the team: \(roster.map(\.id).joined(separator: ", ")))"))
            }
            judges.append(judge)
        }
        if mode == .judge, judges.isEmpty { return .failure(.badRequest("'mode' judge needs a 'judge'")) }
        var options = configuration.roundDefaults
        options.timeout = min(configuration.judgeTimeout, configuration.maximumDeadline)
        return .success(Synthesis(mode: mode == .council ? .council : .judge, judges: judges, options: options))
    }

    /// Runs the synthesis over the gateway's own pools, each of its events delivered as it comes; stops at once
    /// when the client goes (`cancelled` finishes).
    private func synthesize(
        _ synthesis: Synthesis, question: String, team: [Specialist], outcomes: [SpecialistOutcome],
        cancelled: AsyncStream<Void>, deliver: @escaping @Sendable (GatewayRoundOutput) -> Void
    ) async -> JudgeVerdict? {
        let session = self.session
        return await withTaskGroup(of: JudgeVerdict?.self) { group in
            group.addTask {
                var generator = SystemRandomNumberGenerator()
                let answers = Synthesis.answers(outcomes, shuffledBy: &generator)
                return await synthesis.run(
                    question: question, team: team, outcomes: outcomes, answers: answers,
                    ask: { request, judge, options in session.round(request, to: [judge], options: options, breakers: true) }
                ) { event in
                    deliver(.synthesis(event, answers))
                }
            }
            group.addTask {
                for await _ in cancelled {}
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Runs `job` as a child of ``run()`` (the work a request needs that must be a task), counted as a round; the
    /// error when it is refused.
    func submit(_ job: @escaping @Sendable () async -> Void) -> GatewayError? {
        if let refused = beginWork() { return refused }
        jobQueue.yield { [self] in
            await job()
            endWork()
        }
        return nil
    }

    /// Counts one more round in flight, or says why not: the gateway is shutting down, or at its cap.
    private func beginWork() -> GatewayError? {
        let maximum = configuration.maximumRounds
        return state.withLockedValue { state -> GatewayError? in
            if state.draining { return .shuttingDown }
            if state.inFlight >= maximum { return .saturated(maximum) }
            state.inFlight += 1
            return nil
        }
    }

    private func endWork() {
        let waiting = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns once no round is in flight.
    private func roundsFinished() async {
        await withCheckedContinuation { continuation in
            let now = state.withLockedValue { state -> Bool in
                if state.inFlight == 0 { return true }
                state.drained.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Rounds (and warm-ups) running now.
    public var roundsInFlight: Int {
        state.withLockedValue { $0.inFlight }
    }

    /// Whether new requests are refused (the gateway is shutting down).
    var isDraining: Bool {
        state.withLockedValue { $0.draining }
    }

    /// A fresh request id (`tc-` and a counter, for Rhetor's `request_id`).
    func nextRequestID() -> String {
        let number = state.withLockedValue { state -> UInt64 in
            state.requestCount += 1
            return state.requestCount
        }
        return "tc-\(number)"
    }

    // MARK: Connections

    /// Counts a new connection in; at the cap, closes the one that matters least to make room, or refuses this one
    /// when every connection is busy (``ConnectionRegistry``).
    private func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let (admitted, evicted) = state.withLockedValue { state -> (Bool, (any Channel)?) in
            switch state.registry.admit(id, now: .now()) {
            case .refused:
                return (false, nil)
            case .admitted:
                state.channels[id] = channel
                return (true, nil)
            case .admittedEvicting(let victim):
                state.channels[id] = channel
                return (true, state.channels.removeValue(forKey: victim))
            }
        }
        if let evicted {
            evicted.close(promise: nil)
            metrics.connectionClosed()
            metrics.clientDropped("evicted")
        }
        guard admitted else {
            logger.warning("connection refused: at the cap", metadata: ["cap": "\(configuration.maximumConnections)"])
            return false
        }
        metrics.connectionOpened()
        channel.closeFuture.whenComplete { [self] _ in
            let removed = state.withLockedValue { state -> Bool in
                state.channels[id] = nil
                return state.registry.remove(id)
            }
            if removed { metrics.connectionClosed() }
        }
        return true
    }

    /// Client connections open now.
    public var connectionCount: Int {
        state.withLockedValue { $0.registry.count }
    }

    /// What a connection is doing now (for the cap).
    func connection(_ channel: any Channel, is phase: ConnectionRegistry<ObjectIdentifier, NIODeadline>.Phase) {
        state.withLockedValue { $0.registry.set(ObjectIdentifier(channel), phase, now: .now()) }
    }

    /// A client was dropped for how it behaved (not reading, flooding): counted, and said.
    func dropped(_ channel: any Channel, reason: String, kind: String) {
        metrics.clientDropped(kind)
        logger.notice("client dropped", metadata: ["reason": "\(reason)", "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "-")"])
    }

    /// Closes every client connection now: a stop that does not wait (cancellation), and how a test cuts its
    /// clients off. Their rounds are cancelled as each connection goes.
    func closeConnections() {
        let channels = state.withLockedValue { Array($0.channels.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    // MARK: Authorization

    /// Whether `headers` carry the gateway's bearer token (compared in constant time).
    func authorized(_ headers: HTTPHeaders) -> Bool {
        guard let token = configuration.token else { return true }
        if let value = headers.first(name: "authorization"), value.count > 7, value.prefix(7).lowercased() == "bearer " {
            return BearerToken.equal(Array(value.utf8.dropFirst(7)), Array(token.utf8))
        }
        // The page's WebSocket: the token as a subprotocol, base64url-encoded.
        let prefix = GatewayPage.bearerSubprotocolPrefix
        if let offered = Self.offeredSubprotocols(headers).first(where: { $0.hasPrefix(prefix) }),
            let presented = BearerToken.base64URLDecoded(offered.dropFirst(prefix.count))
        {
            return BearerToken.equal(presented, Array(token.utf8))
        }
        return false
    }

    private static func offeredSubprotocols(_ headers: HTTPHeaders) -> [String] {
        headers[canonicalForm: "sec-websocket-protocol"].map(String.init)
    }
}
