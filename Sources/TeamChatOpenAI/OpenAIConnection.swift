import NIOCore
import NIOHTTP1
import TeamChatEngine
import TeamChatModel
import TeamChatOpenAICodec

/// A pooled keep-alive connection to an OpenAI-compatible server.
public final class OpenAIConnection: PooledConnection {
    let channel: any Channel
    private let handler: NIOLoopBound<OpenAIConnectionHandler>
    private let secrets: APIKeys
    public let connectDuration: Duration

    init(
        channel: any Channel, handler: NIOLoopBound<OpenAIConnectionHandler>, secrets: APIKeys,
        connectDuration: Duration
    ) {
        self.channel = channel
        self.handler = handler
        self.secrets = secrets
        self.connectDuration = connectDuration
    }

    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    public func start(
        _ request: ExchangeRequest, for specialist: Specialist, token: ExchangeToken, observer: any ExchangeObserver
    ) {
        guard case .openAI(let endpoint) = specialist.address else {
            observer.exchangeCompleted(
                token, result: .failure(ExchangeError(.localResource, "not an OpenAI-compatible specialist")))
            return
        }
        let key = endpoint.apiKeyVariable.flatMap(secrets.key)
        let secretHeaders = endpoint.secretHeaders.isEmpty ? [:] : endpoint.secretHeaders.compactMapValues(secrets.key)
        let redactor =
            key == nil && secretHeaders.isEmpty ? Redactor.none : Redactor(secrets: [key].compactMap { $0 } + secretHeaders.values)
        let ask: OpenAIConnectionHandler.Ask
        let head: HTTPRequestHead
        var body: [UInt8]?
        switch request.request {
        case .chat(let chat):
            ask = .chat(stream: chat.stream)
            body = ChatCompletionCodec.body(chat, for: endpoint, history: chat.thread(for: specialist))
            head = Self.head(
                .POST, endpoint.origin.path("/chat/completions"), endpoint: endpoint, key: key,
                secretHeaders: secretHeaders, accept: chat.stream ? "text/event-stream" : "application/json",
                contentLength: body?.count)
        case .ping, .probe:
            ask = .probe(model: endpoint.model, ping: request.request == .ping)
            head = Self.head(
                .GET, endpoint.origin.path("/models"), endpoint: endpoint, key: key, secretHeaders: secretHeaders,
                accept: "application/json")
        }
        let limit = request.limits.maximumReplyBytes
        let requestBody = body
        if channel.eventLoop.inEventLoop {
            handler.value.start(
                head: head, body: body, ask: ask, maximumReplyBytes: limit, redactor: redactor, token: token,
                observer: observer)
        } else {
            channel.eventLoop.execute {
                self.handler.value.start(
                    head: head, body: requestBody, ask: ask, maximumReplyBytes: limit, redactor: redactor, token: token,
                    observer: observer)
            }
        }
    }

    /// A request head with the endpoint's headers; the key and the secret headers' values, when there are any,
    /// only ever go here.
    static func head(
        _ method: HTTPMethod, _ path: String, endpoint: OpenAIEndpoint, key: String?,
        secretHeaders: [String: String] = [:], accept: String, contentLength: Int? = nil
    ) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.origin.hostHeader)
        headers.add(name: "User-Agent", value: "teamchat")
        headers.add(name: "Accept", value: accept)
        if let contentLength {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(contentLength))
        }
        if let key { headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) { headers.replaceOrAdd(name: name, value: value) }
        for (name, value) in secretHeaders.sorted(by: { $0.key < $1.key }) { headers.replaceOrAdd(name: name, value: value) }
        return HTTPRequestHead(version: .http1_1, method: method, uri: path.isEmpty ? "/" : path, headers: headers)
    }

    public func cancel(_ token: ExchangeToken) {
        if channel.eventLoop.inEventLoop {
            handler.value.cancel(token)
        } else {
            channel.eventLoop.execute { self.handler.value.cancel(token) }
        }
    }

    public func close() {
        channel.close(mode: .all, promise: nil)
    }
}
