import NIOCore
import NIOHTTP1
import NIOSSL
import TeamChatJSON
import TeamChatOpenAICodec
import TeamChatEngine

/// Runs exchanges on one HTTP/1.1 keep-alive connection to an OpenAI-compatible server, one at a time, on the
/// channel's event loop: `POST …/chat/completions` (whole or streamed as server-sent events) and `GET …/models` (the
/// probe).
///
/// Like the Tekton handler, it hands a result out only at the end of the read it completed in, keeps the
/// connection only when the response ended cleanly and the server keeps it alive, reports anything that arrives
/// while idle so the pool closes it, and obeys a cancel only for the exchange it names.
final class OpenAIConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Never
    typealias OutboundOut = HTTPClientRequestPart

    /// What is being asked.
    enum Ask: Sendable {
        /// A chat; `stream` asks for server-sent events.
        case chat(stream: Bool)
        /// `GET /models`: alive, and whether the model is listed.
        case probe(model: String, ping: Bool)
    }

    private struct Exchange {
        var token: ExchangeToken
        var observer: any ExchangeObserver
        var ask: Ask
        var maximumReplyBytes: Int
        /// Text the server must never have echoed back to the terminal (the API key).
        var secret: String?
        var sentAt: NIODeadline
        var headAt: NIODeadline?
        var status: HTTPResponseStatus?
        var keepAlive = true
        var retryAfter: Duration?
        var eventStream = false
        var body: [UInt8] = []
        var sse: SSEParser
        var streamed = ""
        var model: String?
        var chunks = 0
        var finished = false
        var ended = false
        var result: ExchangeResult?
    }

    /// What `start` was asked, kept while the previous response drains.
    private struct Start {
        var head: HTTPRequestHead
        var body: [UInt8]?
        var exchange: Exchange
    }

    private enum State {
        /// No exchange runs. Moves to `exchanging`; anything received here is unsolicited.
        case idle
        /// A request was sent; its response is being read. Moves to `idle` once its result was handed out at the
        /// end of a read, to `draining` when the answer is complete but the response is not, or to `failed`.
        case exchanging(Exchange)
        /// A streamed answer was complete (`[DONE]`) and handed out, but its response has not ended yet: servers
        /// send the last chunk of the HTTP body separately. The next exchange, if one starts now, waits for that end
        /// to be written. Moves to `idle` (or `exchanging`, with the waiting one) at the end, `failed` on anything
        /// else.
        case draining(next: Start?)
        /// The connection failed and is closing, for `reason`. Terminal.
        case failed(reason: ExchangeError)
    }

    private var state: State = .idle
    private var closeReported = false
    private var context: ChannelHandlerContext?
    private let events: @Sendable (PooledConnectionEvent) -> Void

    init(events: @escaping @Sendable (PooledConnectionEvent) -> Void) {
        self.events = events
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Exchanges (called on the event loop)

    func start(
        head: HTTPRequestHead,
        body: [UInt8]?,
        ask: Ask,
        maximumReplyBytes: Int,
        secret: String?,
        token: ExchangeToken,
        observer: any ExchangeObserver
    ) {
        let exchange = Exchange(
            token: token, observer: observer, ask: ask, maximumReplyBytes: maximumReplyBytes, secret: secret,
            sentAt: .now(), sse: SSEParser(maximumLength: maximumReplyBytes))
        switch state {
        case .idle:
            send(Start(head: head, body: body, exchange: exchange))
        case .draining(nil):
            state = .draining(next: Start(head: head, body: body, exchange: exchange))
        case .failed(let reason) where reason.kind == .protocolError:
            // The server spoke out of turn before this request was sent (a greeting, a stray response): that is
            // this specialist's answer, whichever side of the race it fell on; retrying elsewhere would meet it too.
            observer.exchangeCompleted(token, result: .failure(reason, nothingReceived: false))
        case .failed(let reason) where reason.kind == .reset:
            // A reset that came in before this request was written (a server that resets what it accepts) is said
            // as one, whichever of the two the event loop saw first; nothing was written, so it may be retried.
            observer.exchangeCompleted(token, result: .failure(.notSent(afterReset: true), nothingReceived: true))
        case .exchanging, .draining(.some), .failed:
            observer.exchangeCompleted(token, result: .failure(.notSent(afterReset: false), nothingReceived: true))
        }
    }

    private func send(_ start: Start) {
        guard let context else { return }
        var exchange = start.exchange
        exchange.sentAt = .now()
        state = .exchanging(exchange)
        context.write(wrapOutboundOut(.head(start.head)), promise: nil)
        if let body = start.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        // No write promise: a failed write closes the channel, and `channelInactive` fails the exchange.
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Abandons the exchange `token` if it is the one running (or waiting), and closes the connection.
    func cancel(_ token: ExchangeToken) {
        switch state {
        case .exchanging(let exchange) where exchange.token == token:
            fail(.cancelled())
        case .draining(let next?) where next.exchange.token == token:
            fail(.cancelled())
        default:
            return
        }
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .draining(let next) = state {
            switch part {
            case .body:
                return  // what followed the answer's last event
            case .end:
                state = .idle
                if let next { send(next) }
            case .head:
                fail(.invalidReply("a response nobody asked for"))
            }
            return
        }
        guard case .exchanging(var exchange) = state else {
            if case .idle = state {
                // A response nobody asked for: out of step, close before it is read as the next answer.
                events(.unsolicitedBytes)
                fail(.invalidReply("unsolicited response on an idle connection"))
            }
            return
        }
        guard exchange.result == nil || !exchange.ended else {
            fail(.invalidReply("more than one response to one request"))
            return
        }
        switch part {
        case .head(let head):
            exchange.headAt = .now()
            exchange.status = head.status
            exchange.keepAlive = head.isKeepAlive
            exchange.eventStream = head.headers.first(name: "content-type")?.lowercased()
                .hasPrefix("text/event-stream") ?? false
            if head.status == .tooManyRequests, let text = head.headers.first(name: "retry-after"),
                let seconds = Double(text.trimmed)
            {
                exchange.retryAfter = Duration(checkedSeconds: min(max(seconds, 0), 3_600))
            }
        case .body(let bytes):
            guard receive(bytes, into: &exchange) else { return }
        case .end:
            exchange.ended = true
            if exchange.result == nil { exchange.result = conclude(&exchange) }
        }
        if case .exchanging = state { state = .exchanging(exchange) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard case .exchanging(let exchange) = state, var result = exchange.result else { return }
        // Reusable only when the server keeps the connection and the response ended cleanly (or is a stream that
        // ended its answer and is only left to end its body).
        let draining = !exchange.ended && exchange.eventStream && exchange.finished
        result.reusable = result.reusable && exchange.keepAlive && (exchange.ended || draining)
        result.firstByte = exchange.headAt.map { Duration($0 - exchange.sentAt) }
        if result.reusable {
            state = exchange.ended ? .idle : .draining(next: nil)
        } else {
            state = .failed(reason: ExchangeError(.closed, "connection not reusable"))
            context.close(promise: nil)
        }
        exchange.observer.exchangeCompleted(exchange.token, result: result)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .exchanging(var exchange) = state, exchange.result == nil, exchange.eventStream,
            exchange.finished || !exchange.streamed.isEmpty
        {
            // Some servers end a stream by closing the connection after its last event.
            exchange.result = conclude(&exchange)
            state = .exchanging(exchange)
            channelReadComplete(context: context)
        } else {
            fail(ExchangeError(.closed, "connection closed by specialist before replying"))
        }
        if !closeReported {
            closeReported = true
            events(.closed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is NIOSSLError, is BoringSSLError:
            fail(ExchangeError(.tls, "TLS failure: \(error)"))
        case let error as NIOHTTPDecoderError where error == .unsolicitedResponse:
            // The decoder saw a response while no request was out: a greeting, or a reply out of step.
            events(.unsolicitedBytes)
            fail(.invalidReply("unsolicited response on an idle connection"))
        case is HTTPParserError, is NIOHTTPDecoderError:
            fail(.invalidReply("not HTTP: \(error)"))
        default:
            fail(ExchangeError(channelError: error))
        }
    }

    // MARK: Internals

    /// Takes body bytes; false when the exchange failed on them.
    private func receive(_ bytes: ByteBuffer, into exchange: inout Exchange) -> Bool {
        let isSuccess = exchange.status.map { (200..<300).contains($0.code) } ?? false
        if isSuccess, exchange.eventStream, case .chat = exchange.ask {
            let events: [SSEParser.Event]
            do {
                events = try exchange.sse.feed(bytes.readableBytesView)
            } catch {
                fail(ExchangeError(.tooLarge, "streamed event larger than \(error.limit) bytes"))
                return false
            }
            for event in events where exchange.result == nil {
                guard take(event, into: &exchange) else { return false }
            }
            return true
        }
        // A whole body (an answer, a model list, an error), bounded.
        guard exchange.body.count + bytes.readableBytes <= exchange.maximumReplyBytes else {
            fail(ExchangeError(.tooLarge, "reply larger than \(exchange.maximumReplyBytes) bytes"))
            return false
        }
        exchange.body.append(contentsOf: bytes.readableBytesView)
        return true
    }

    /// One server-sent event of a streamed answer; false when the exchange failed on it.
    private func take(_ event: SSEParser.Event, into exchange: inout Exchange) -> Bool {
        guard event.isValidUTF8 else {
            fail(.invalidReply("invalid UTF-8 in a streamed event"))
            return false
        }
        let data = event.data.trimmed
        if data == "[DONE]" {
            exchange.finished = true
            exchange.result = answer(exchange)
            return true
        }
        guard let delta = ChatCompletionCodec.delta(data) else {
            fail(.invalidReply("a streamed event is not JSON: \(redacted(String(data.prefix(40)), exchange))"))
            return false
        }
        if let error = delta.error {
            exchange.result = ExchangeResult(
                outcome: .failure(ExchangeError(.specialistError, redacted(error, exchange))), reusable: true)
            return true
        }
        exchange.model = delta.model ?? exchange.model
        if let content = delta.content, !content.isEmpty {
            guard exchange.streamed.utf8.count + content.utf8.count <= exchange.maximumReplyBytes else {
                fail(ExchangeError(.tooLarge, "streamed answer larger than \(exchange.maximumReplyBytes) bytes"))
                return false
            }
            exchange.streamed += content
            let chunk = StreamChunk(index: exchange.chunks, content: redacted(content, exchange))
            exchange.chunks += 1
            exchange.observer.exchangeReceived(exchange.token, chunk: chunk)
        }
        if delta.finished { exchange.finished = true }
        return true
    }

    /// The result once the response ended.
    private func conclude(_ exchange: inout Exchange) -> ExchangeResult {
        let status = exchange.status ?? .ok
        guard (200..<300).contains(status.code) else {
            let text = exchange.body.withUnsafeBytes { ChatCompletionCodec.errorText($0) }
            let words = text.isEmpty ? status.reasonPhrase : redacted(text, exchange)
            if status == .tooManyRequests {
                return ExchangeResult(
                    outcome: .failure(ExchangeError(.rateLimited, "rate limited (HTTP 429): \(words)", status: 429)),
                    reusable: true, retryAfter: exchange.retryAfter ?? .seconds(5))
            }
            return ExchangeResult(
                outcome: .failure(ExchangeError(.httpStatus, "HTTP \(status.code): \(words)", status: Int(status.code))),
                reusable: true)
        }
        switch exchange.ask {
        case .probe(let model, let ping):
            let listed = exchange.body.withUnsafeBytes { ChatCompletionCodec.models($0) }
            if ping { return .reply(.alive, firstByte: nil) }
            guard let listed else { return .failure(.invalidReply("GET /models is not a model list")) }
            guard listed.contains(model) else {
                return ExchangeResult(
                    outcome: .failure(ExchangeError(.specialistError, "model '\(model)' is not served here")),
                    reusable: true)
            }
            return .reply(.info(SpecialistInfo(id: nil, description: "OpenAI-compatible", model: model)), firstByte: nil)
        case .chat:
            // Checked first: a String built from the bytes would repair invalid UTF-8 silently.
            guard UTF8Validation.isValid(exchange.body) else { return .failure(.invalidReply("invalid UTF-8")) }
            if exchange.eventStream {
                if let event = try? exchange.sse.finish(), exchange.result == nil, !take(event, into: &exchange) {
                    return .failure(.invalidReply("stream ended inside an event"))
                }
                return exchange.result ?? answer(exchange)
            }
            switch exchange.body.withUnsafeBytes({ ChatCompletionCodec.completion($0) }) {
            case .answer(var answer)?:
                answer.content = redacted(answer.content, exchange)
                return .reply(.answer(answer), firstByte: nil)
            case .error(let message)?:
                return ExchangeResult(
                    outcome: .failure(ExchangeError(.specialistError, redacted(message, exchange))), reusable: true)
            case nil:
                let preview = String(decoding: exchange.body.prefix(40), as: UTF8.self)
                return .failure(.invalidReply("not a chat completion: \(redacted(preview, exchange))"))
            }
        }
    }

    private func answer(_ exchange: Exchange) -> ExchangeResult {
        .reply(.answer(ChatAnswer(content: redacted(exchange.streamed, exchange), model: exchange.model)), firstByte: nil)
    }

    /// `text` with the API key taken out, should a server echo it back.
    private func redacted(_ text: String, _ exchange: Exchange) -> String {
        guard let secret = exchange.secret, !secret.isEmpty, text.contains(secret) else { return text }
        return text.replacing(secret, with: "[redacted]")
    }

    /// Fails the exchange in flight (if any) and closes the connection.
    private func fail(_ error: ExchangeError) {
        switch state {
        case .exchanging(let exchange):
            state = .failed(reason: error)
            let nothingReceived = exchange.headAt == nil && error.kind != .cancelled
            exchange.observer.exchangeCompleted(exchange.token, result: .failure(error, nothingReceived: nothingReceived))
        case .draining(let next):
            state = .failed(reason: error)
            // The waiting exchange wrote nothing: it may be retried on another connection.
            next.map { $0.exchange.observer.exchangeCompleted($0.exchange.token, result: .failure(error, nothingReceived: error.kind != .cancelled)) }
        case .idle:
            state = .failed(reason: error)
        case .failed:
            return
        }
        context?.close(promise: nil)
    }
}
