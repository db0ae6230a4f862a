import NIOCore
import NIOHTTP1
import NIOWebSocket
import TeamChatEngine
import TeamChatJSON
import TeamChatLog
import TeamChatModel
import TeamChatOpenAICodec
import TeamChatRoster

/// One client connection of the gateway: reads a request (bounded, within its timers), checks its token and, over
/// TCP, who may ask (``OriginPolicy``), routes it, and answers — a document, or a round's events written the moment
/// they arrive. One request at a time (NIO's pipelining handler holds any that follow); a connection that closes
/// mid-round cancels its round.
///
/// Two timers keep a connection from being held for nothing: while it waits between requests, the idle timer
/// (`--idle-timeout`; for a connection that never completed a request, the request timer); once a request's first
/// bytes arrive (``RequestBytesWatcher``), the request timer (`--request-timeout`): a head or a body that stalls is
/// answered 408 and closed. What it writes goes through ``ClientOutput``: a client that does not read is paused,
/// then dropped, and its round cancelled.
final class GatewayHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for a request head; a timer runs.
        case waiting
        /// Reading a request's body.
        case receiving(HTTPRequestHead, ByteBuffer)
        /// The request is refused whatever its body: reading on to its end, then answering `error`.
        case refusing(HTTPRequestHead, GatewayError)
        /// Answering; a round's handle when a round runs for it.
        case responding(Response)
        /// The connection is closing.
        case closed
    }

    /// What a response in progress writes.
    private struct Response {
        var keepAlive: Bool
        var version: HTTPVersion
        var route: String = "none"
        var format: Format = .document
        var round: GatewayRoundHandle?
        /// The members' summary, kept for Rhetor's document until the round's end.
        var summary: RoundSummary?
        /// The conversation the round is kept in, told to the client with the summary.
        var conversation: String?
    }

    private enum Format {
        case document
        case ndjson
        case events
        /// Rhetor's one document, gathered in ``rhetor`` and written with the summary.
        case rhetor
        /// A chat completion (the facade), made by ``completion``: streamed, or one document at the end.
        case completion
    }

    private enum TimerKind {
        case idle
        case request
    }

    private typealias Output = ClientOutput<UptimeClock.Instant, HTTPServerResponsePart>

    private let gateway: Gateway
    private let requiresToken: Bool
    private let originPolicy: OriginPolicy?
    private var state = State.waiting
    /// Rhetor's response while a `POST /api/team-chat` round runs: beside the state, so that each answer is added
    /// where it lies.
    private var rhetor: RhetorResponse?
    /// The chat completion while a `POST /v1/chat/completions` round runs.
    private var completion: ChatCompletionResponder?
    private var timer: Scheduled<Void>?
    private var timerKind: TimerKind?
    /// Whether a request was completed on this connection (then it idles on the idle timer between requests).
    private var proven = false
    private var output: Output
    private var stallTimer: Scheduled<Void>?
    /// Close once the response's end is written (not keep-alive).
    private var closeAfterEnd = false
    private var context: ChannelHandlerContext?
    /// Which listener the connection came in on.
    private let listener: Gateway.Listener

    init(gateway: Gateway, listener: Gateway.Listener, requiresToken: Bool, originPolicy: OriginPolicy?) {
        self.gateway = gateway
        self.listener = listener
        self.requiresToken = requiresToken
        self.originPolicy = originPolicy
        self.output = Output(
            maximumQueuedBytes: gateway.configuration.maximumUnreadBytes,
            stallTimeout: gateway.configuration.writeTimeout)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { armTimer(.request, context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        stallTimer?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        armTimer(.request, context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        stallTimer?.cancel()
        if case .responding(let response) = state { response.round?.cancel() }
        state = .closed
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RequestBytesWatcher.BytesArrived {
            // A request begins: from now on it must arrive whole within the request timeout.
            if case .waiting = state, timerKind == .idle { armTimer(.request, context) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let now = UptimeClock.Instant(context.eventLoop.now)
        for action in output.writabilityChanged(context.channel.isWritable, now: now) { perform(action, context) }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .waiting):
            if let refusal = refusal(of: head) {
                state = .refusing(head, refusal)
            } else {
                state = .receiving(head, context.channel.allocator.buffer(capacity: 0))
            }
        case (.body(var bytes), .receiving(let head, var body)):
            guard body.readableBytes + bytes.readableBytes <= gateway.configuration.maximumBodyBytes else {
                state = .refusing(head, tooLarge())
                return
            }
            state = .closed  // while `body` is mutated, so that it is not copied
            body.writeBuffer(&bytes)
            state = .receiving(head, body)
        case (.end, .receiving(let head, let body)):
            cancelTimer()
            gateway.connection(context.channel, is: .busy)
            handle(head, body: Array(body.readableBytesView), context: context)
        case (.end, .refusing(let head, let error)):
            cancelTimer()
            state = .responding(Response(keepAlive: false, version: head.version))
            answer(error, head: head, context: context)
        case (.body, .refusing):
            return
        default:
            return  // parts of a request that arrived while closing
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A refused WebSocket upgrade (wrong path, missing token, another origin) is reported, then the request
        // comes here as an ordinary one and gets its answer (400, 401, 403): not a reason to drop the connection.
        if error is NIOWebSocketUpgradeError { return }
        gateway.logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Why `head` is refused before its body is read, or nil.
    private func refusal(of head: HTTPRequestHead) -> GatewayError? {
        if requiresToken, !GatewayRoute.isPublic(head.uri), !gateway.authorized(head.headers) {
            return GatewayError(.unauthorized, "a bearer token is required")
        }
        if let originPolicy {
            let route = try? GatewayRoute.match(method: head.method, uri: head.uri).get()
            if let refusal = originPolicy.refusal(
                head, changesState: route?.changesState ?? false, isPage: route == .page)
            {
                return refusal
            }
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init),
            length > gateway.configuration.maximumBodyBytes
        {
            return tooLarge()
        }
        return nil
    }

    private func tooLarge() -> GatewayError {
        GatewayError(.payloadTooLarge, "the request body is larger than \(gateway.configuration.maximumBodyBytes) bytes")
    }

    // MARK: Routing

    private func handle(_ head: HTTPRequestHead, body: [UInt8], context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive && !gateway.isDraining
        state = .responding(Response(keepAlive: keepAlive, version: head.version))
        if gateway.isDraining {
            answer(.shuttingDown, head: head, context: context)
            return
        }
        let route: GatewayRoute
        switch GatewayRoute.match(method: head.method, uri: head.uri) {
        case .success(let matched): route = matched
        case .failure(let error):
            answer(error, head: head, context: context)
            return
        }
        switch route {
        case .health:
            var status = JSONObjectWriter()
            status.add("status", "ok")
            status.add("team", gateway.session.source.description)
            status.add("specialists", gateway.roster.count)
            document(.ok, json: status, head: head, route: route, context: context)
        case .metrics:
            document(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: gateway.metrics.render(),
                     head: head, route: route, context: context)
        case .sockets:
            document(.ok, json: SocketsDocument.make(
                gateway.currentTeam(), now: gateway.session.configuration.clock.now, prices: gateway.configuration.prices,
                defaults: gateway.configuration.roundDefaults),
                     head: head, route: route, context: context)
        case .team:
            let source = QueryString.parameters(of: head.uri)["source"]
            guard source == nil || source == gateway.session.source.description else {
                answer(GatewayError(.conflict, "this gateway serves \(gateway.session.source), not \(source ?? "")"),
                       head: head, context: context)
                return
            }
            let team = gateway.currentTeam()
            let cache = SpecialistCache(lastSource: team.source, teams: [team])
            document(.ok, contentType: "application/json", body: Array(cache.encoded()), head: head, route: route,
                     context: context)
        case .webSocket:
            answer(GatewayError(.badRequest, "this route takes a WebSocket upgrade"), head: head, context: context)
        case .page:
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            guard let asset = GatewayPage.asset(path) else { return }
            var headers = GatewayPage.headers
            headers.add(name: "content-type", value: asset.contentType)
            document(.ok, headers: headers, body: asset.bytes, head: head, route: route.name, context: context)
        case .teamChat:
            startRound(GatewayRoundRequest.decode(rhetor: body), route: route, head: head, context: context)
        case .stream where head.method == .HEAD:
            // What a GET would answer, without a round: a HEAD must change nothing.
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "text/event-stream")
            headers.add(name: "cache-control", value: "no-cache")
            document(.ok, headers: headers, body: [], head: head, route: route.name, context: context)
        case .stream:
            let request = head.method == .POST
                ? GatewayRoundRequest.decode(json: body) : GatewayRoundRequest.decode(query: QueryString.parameters(of: head.uri))
            startRound(request, route: route, head: head, context: context)
        case .rounds:
            startRound(GatewayRoundRequest.decode(json: body), route: route, head: head, context: context)
        case .warm:
            warm(WarmRequest.decode(json: body), head: head, context: context)
        case .conversation:
            conversation(GatewayRoute.conversationID(head.uri), head: head, context: context)
        case .models:
            document(.ok, json: models(), head: head, route: route, context: context)
        case .chatCompletions:
            chatCompletion(
                ChatCompletionRequest.decode(body).mapError { problem in
                    var error = GatewayError(.badRequest, problem.message)
                    error.param = problem.param
                    return error
                }, head: head, context: context)
        }
    }

    /// `GET /v1/models`: `team`, and `team/<name>` for every named team this gateway serves, as OpenAI lists models.
    private func models() -> JSONObjectWriter {
        let created = Int(gateway.startedAt)
        let entries = (["team"] + gateway.configuration.teams.map { "team/" + $0.name }).map { id in
            var model = JSONObjectWriter()
            model.add("id", id)
            model.add("object", "model")
            model.add("created", created)
            model.add("owned_by", "teamchat")
            return model
        }
        var list = JSONObjectWriter()
        list.add("object", "list")
        list.add("data", objects: entries)
        return list
    }

    /// `POST /v1/chat/completions` with `model: "team"` or `"team/<name>"`: the round and its synthesis as a chat
    /// completion. A chat the gateway answered before continues its conversation, each member on its own thread;
    /// another gets the client's turns as sent (``Gateway/prepare(_:listener:on:)``). A short task (a UI's title
    /// or tags) is answered by one member.
    private func chatCompletion(
        _ decoded: Result<ChatCompletionRequest, GatewayError>, head: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        let asked: ChatCompletionRequest
        switch decoded {
        case .success(let request): asked = request
        case .failure(let error):
            answer(error, head: head, context: context)
            return
        }
        let named = asked.teamName.flatMap { name in gateway.configuration.teams.first { $0.name == name } }
        guard asked.model == "team" || named != nil else {
            var error = GatewayError(.notFound, "the model '\(asked.model)' does not exist here: GET /v1/models lists them")
            error.param = "model"
            error.code = "model_not_found"
            answer(error, head: head, context: context)
            return
        }
        var request = GatewayRoundRequest(message: asked.question)
        request.team = named?.name
        request.temperature = asked.temperature
        request.maxTokens = asked.maxTokens
        request.facade = FacadeChat(history: asked.history, task: asked.isTask)
        if asked.isTask {
            // One member answers a UI's small task: the team's task member, else its first.
            guard let first = named?.taskMember ?? named?.members.first ?? gateway.roster.first?.id else {
                answer(GatewayError(.serviceUnavailable, "no specialist to ask"), head: head, context: context)
                return
            }
            request.to = [first]
            request.mode = .panel
        }
        completion = ChatCompletionResponder(
            id: "chatcmpl-" + gateway.nextRequestID(), created: Int(SystemWallClock().now.secondsSince1970),
            request: asked)
        startRound(.success(request), route: .chatCompletions, head: head, context: context)
    }

    /// `GET /v1/conversations/ID`: the conversation's rounds from the round log, oldest first, each with every
    /// answer — what a client shows as the thread, and what survives a restart.
    private func conversation(_ id: String, head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard ConversationThreads.isValidID(id) else {
            answer(.badRequest("a conversation id is 1 to 64 letters, digits, '-' or '_'"), head: head, context: context)
            return
        }
        guard let roundLog = gateway.roundLog, listener == .network else {
            answer(GatewayError(.conflict, "this gateway keeps no round log (it runs with --no-log)"), head: head,
                   context: context)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        roundLog.conversation(id, on: context.eventLoop).whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success(let rounds) where rounds.isEmpty:
                handler.answer(GatewayError(.notFound, "no conversation '\(id)' in the round log"), head: head,
                               context: context)
            case .success(let rounds):
                var document = JSONObjectWriter()
                document.add("conversation_id", id)
                document.add("rounds", objects: rounds.map(\.json))
                handler.document(.ok, json: document, head: head, route: .conversation, context: context)
            case .failure(let error):
                handler.answer(GatewayError(.internalServerError, "the round log could not be read: \(error)"),
                               head: head, context: context)
            }
        }
    }

    // MARK: Rounds

    private func startRound(
        _ decoded: Result<GatewayRoundRequest, GatewayError>,
        route: GatewayRoute,
        head: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        let request: GatewayRoundRequest
        switch decoded {
        case .success(let parsed): request = parsed
        case .failure(let error):
            answer(error, head: head, context: context)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        gateway.prepare(request, listener: listener, on: context.eventLoop).whenComplete { prepared in
            let (handler, context) = bound.value
            switch prepared {
            case .success(let request):
                guard context.channel.isActive else { return }
                handler.start(request, route: route, head: head, context: context)
            case .failure(let error):
                handler.answer(error as? GatewayError ?? GatewayError(.internalServerError, "\(error)"), head: head,
                               context: context)
            }
        }
    }

    private func start(
        _ request: GatewayRoundRequest,
        route: GatewayRoute,
        head: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        // Events come from whichever thread produced them, under the round's lock: hop, never call back in.
        let started = gateway.startRound(request, route: route, listener: listener) { output in
            loop.execute {
                let (handler, context) = bound.value
                handler.receive(output, context: context)
            }
        }
        switch started {
        case .failure(let error):
            answer(error, head: head, context: context)
        case .success(let round):
            let format: Format
            var headers = HTTPHeaders()
            switch route {
            case .teamChat:
                format = .rhetor
                rhetor = RhetorResponse(
                    requestID: gateway.nextRequestID(), moderationMode: request.moderationMode,
                    metadata: request.metadata)
            case .stream:
                format = .events
                headers.add(name: "content-type", value: "text/event-stream")
                headers.add(name: "cache-control", value: "no-cache")
            case .chatCompletions:
                format = .completion
                headers.add(name: "content-type", value: "text/event-stream")
                headers.add(name: "cache-control", value: "no-cache")
            default:
                format = .ndjson
                headers.add(name: "content-type", value: "application/x-ndjson")
            }
            guard case .responding(var response) = state else { return }
            response.format = format
            response.round = round.handle
            response.conversation = round.conversation
            response.route = route.name
            state = .responding(response)
            if case .completion = format, completion?.stream != true { return }  // one document at the end
            guard case .rhetor = format else {
                writeHead(.ok, headers: headers, keepAlive: response.keepAlive, version: head.version, context: context)
                if case .completion = format, let start = completion?.start() { write(start, context: context) }
                if case .events = format {
                    var connected = JSONObjectWriter()
                    connected.add("request_id", gateway.nextRequestID())
                    connected.add("addressed", round.team.count)
                    connected.add("specialists", strings: round.team.map(\.id))
                    connected.add("conversation_id", round.conversation)
                    write(ServerSentEvent(name: "connected", data: connected).bytes, context: context)
                }
                return
            }
        }
    }

    /// What a round sends, on this connection's loop: its events as they come, the synthesis after them, and at
    /// its end the response's end (Rhetor's one document is written then).
    private func receive(_ output: GatewayRoundOutput, context: ChannelHandlerContext) {
        guard case .responding(var response) = state, response.round != nil else { return }
        var bytes: [UInt8] = []
        switch output {
        case .lastEvents(let batch):
            receive(.events(batch), context: context)
            receive(.end(nil), context: context)
            return
        case .events where response.format == .completion, .synthesis where response.format == .completion:
            bytes = completion?.take(output) ?? []
        case .end(let verdict) where response.format == .completion:
            let streaming = completion?.stream ?? false
            let last = completion?.finish(verdict) ?? []
            completion = nil
            if streaming { write(last, context: context) } else { writeDocument(last, response: response, context: context) }
            finish(route: response.route, status: .ok, keepAlive: response.keepAlive, context: context)
            return
        case .events(let batch):
            for event in batch {
                switch response.format {
                case .document, .completion:
                    break
                case .ndjson:
                    bytes += RoundEventCodec.encode(event, via: "gateway", conversation: response.conversation)
                        .utf8(terminator: UInt8(ascii: "\n"))
                case .events:
                    bytes += ServerSentEvent(event, conversation: response.conversation).bytes
                case .rhetor:
                    if case .outcome(let outcome) = event {
                        rhetor?.add(outcome, at: gateway.session.configuration.clock.now)
                    }
                }
                if case .finished(let finished) = event { response.summary = finished }
            }
            state = .responding(response)
        case .synthesis(let event, let answers):
            switch response.format {
            case .ndjson: bytes = event.json(labels: answers).utf8(terminator: UInt8(ascii: "\n"))
            case .events: bytes = ServerSentEvent(event, answers: answers).bytes
            case .rhetor, .document, .completion: break
            }
        case .end(let verdict):
            if case .rhetor = response.format, let rhetor = rhetor.take(), let summary = response.summary {
                let body = rhetor.document(
                    summary: summary, conversation: response.conversation, verdict: verdict,
                    at: gateway.session.configuration.clock.now
                ).utf8()
                writeDocument(body, response: response, context: context)
            }
            finish(route: response.route, status: .ok, keepAlive: response.keepAlive, context: context)
            return
        }
        if !bytes.isEmpty { write(bytes, context: context) }
    }

    /// A round's one JSON document (Rhetor's, a whole chat completion), written once the round ended: its head
    /// (known only then) and its body.
    private func writeDocument(_ body: [UInt8], response: Response, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.count))
        writeHead(.ok, headers: headers, keepAlive: response.keepAlive, version: response.version, context: context)
        write(body, context: context)
    }

    // MARK: Warm

    private func warm(_ decoded: Result<WarmRequest, GatewayError>, head: HTTPRequestHead, context: ChannelHandlerContext) {
        let request: WarmRequest
        switch decoded {
        case .success(let parsed): request = parsed
        case .failure(let error):
            answer(error, head: head, context: context)
            return
        }
        guard case .responding(let response) = state else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let gateway = self.gateway
        let keepAlive = response.keepAlive
        let version = response.version
        let refused = gateway.submit {
            let lines = await request.run(on: gateway)
            loop.execute {
                let (handler, context) = bound.value
                guard case .responding = handler.state else { return }
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: "application/x-ndjson")
                let body = lines.flatMap { $0.utf8(terminator: UInt8(ascii: "\n")) }
                headers.add(name: "content-length", value: String(body.count))
                handler.writeHead(.ok, headers: headers, keepAlive: keepAlive, version: version, context: context)
                handler.write(body, context: context)
                handler.finish(route: GatewayRoute.warm.name, status: .ok, keepAlive: keepAlive, context: context)
            }
        }
        if let refused { answer(refused, head: head, context: context) }
    }

    // MARK: Writing

    private func answer(_ error: GatewayError, head: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        if !error.allow.isEmpty { headers.add(name: "allow", value: error.allow.joined(separator: ", ")) }
        if error.status == .unauthorized { headers.add(name: "www-authenticate", value: "Bearer") }
        if let seconds = error.retryAfter { headers.add(name: "retry-after", value: String(seconds)) }
        let route = GatewayRoute.match(method: head.method, uri: head.uri).map(\.name)
        let body = GatewayRoute.speaksOpenAI(head.uri) ? error.openAIBody : error.body
        document(error.status, json: body, head: head, route: (try? route.get()) ?? "none", headers: headers,
                 context: context)
    }

    private func document(
        _ status: HTTPResponseStatus, json: JSONObjectWriter, head: HTTPRequestHead, route: GatewayRoute,
        context: ChannelHandlerContext
    ) {
        document(status, json: json, head: head, route: route.name, headers: HTTPHeaders(), context: context)
    }

    private func document(
        _ status: HTTPResponseStatus, json: JSONObjectWriter, head: HTTPRequestHead, route: String,
        headers: HTTPHeaders, context: ChannelHandlerContext
    ) {
        var headers = headers
        headers.add(name: "content-type", value: "application/json")
        document(status, headers: headers, body: json.utf8(terminator: UInt8(ascii: "\n")), head: head, route: route,
                 context: context)
    }

    private func document(
        _ status: HTTPResponseStatus, contentType: String, body: [UInt8], head: HTTPRequestHead, route: GatewayRoute,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        document(status, headers: headers, body: body, head: head, route: route.name, context: context)
    }

    private func document(
        _ status: HTTPResponseStatus, headers: HTTPHeaders, body: [UInt8], head: HTTPRequestHead, route: String,
        context: ChannelHandlerContext
    ) {
        guard case .responding(let response) = state else { return }
        var headers = headers
        headers.add(name: "content-length", value: String(body.count))
        writeHead(status, headers: headers, keepAlive: response.keepAlive, version: head.version, context: context)
        if head.method != .HEAD, !body.isEmpty { write(body, context: context) }
        finish(route: route, status: status, keepAlive: response.keepAlive, context: context)
    }

    private func writeHead(
        _ status: HTTPResponseStatus, headers: HTTPHeaders, keepAlive: Bool, version: HTTPVersion,
        context: ChannelHandlerContext
    ) {
        var headers = headers
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        emit(.head(HTTPResponseHead(version: version, status: status, headers: headers)), bytes: 256, context: context)
    }

    private func write(_ bytes: [UInt8], context: ChannelHandlerContext) {
        emit(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes))), bytes: bytes.count, context: context)
    }

    /// Ends the response; the connection waits for the next request, or closes.
    private func finish(route: String?, status: HTTPResponseStatus, keepAlive: Bool, context: ChannelHandlerContext) {
        if let route { gateway.metrics.requestAnswered(route: route, status: status.code) }
        guard keepAlive else {
            state = .closed
            closeAfterEnd = true
            emit(.end(nil), bytes: 0, context: context)
            return
        }
        emit(.end(nil), bytes: 0, context: context)
        state = .waiting
        proven = true
        gateway.connection(context.channel, is: .idle)
        armTimer(.idle, context)
    }

    /// Sends one part of the response, now or once the client reads (``ClientOutput``).
    private func emit(_ part: HTTPServerResponsePart, bytes: Int, context: ChannelHandlerContext) {
        perform(output.send(part, bytes: bytes), context)
    }

    private func perform(_ action: Output.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .write(let parts):
            for part in parts {
                if case .end = part, closeAfterEnd {
                    let channel = context.channel
                    context.write(wrapOutboundOut(part)).whenComplete { _ in channel.close(promise: nil) }
                } else {
                    context.write(wrapOutboundOut(part), promise: nil)
                }
            }
            context.flush()
        case .wait:
            return
        case .scheduleTimer(let at):
            stallTimer?.cancel()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            stallTimer = context.eventLoop.scheduleTask(deadline: at.deadline) {
                let (handler, context) = bound.value
                handler.perform(handler.output.timerFired(now: UptimeClock.Instant(context.eventLoop.now)), context)
            }
        case .drop(let reason):
            gateway.dropped(context.channel, reason: reason, kind: "unread")
            context.close(promise: nil)
        case .pauseReading:
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        case .resumeReading:
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
    }

    // MARK: Timers

    /// Closes the connection when the timer of `kind` runs out first: a waiting connection silently; one whose
    /// request stalled part way, with 408.
    private func armTimer(_ kind: TimerKind, _ context: ChannelHandlerContext) {
        timer?.cancel()
        timerKind = kind
        let configuration = gateway.configuration
        // A connection that never completed a request gets no more than a request's time to start one.
        let duration = kind == .idle && proven ? configuration.idleTimeout : configuration.requestTimeout
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: TimeAmount(duration)) {
            let (handler, context) = bound.value
            handler.timerExpired(context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerKind = nil
    }

    private func timerExpired(_ context: ChannelHandlerContext) {
        timer = nil
        timerKind = nil
        switch state {
        case .receiving(let head, _), .refusing(let head, _):
            state = .responding(Response(keepAlive: false, version: head.version))
            answer(
                GatewayError(.requestTimeout, "the request did not arrive whole within \(gateway.configuration.requestTimeout)"),
                head: head, context: context)
        default:
            context.close(promise: nil)
        }
    }
}
