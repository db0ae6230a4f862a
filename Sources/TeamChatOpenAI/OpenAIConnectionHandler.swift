import NIOCore
import NIOHTTP1
import NIOSSL
import TeamChatEngine
import TeamChatJSON
import TeamChatModel
import TeamChatOpenAICodec

/// Runs exchanges on one HTTP/1.1 keep-alive connection to an OpenAI-compatible server, one at a time, on the
/// channel's event loop: `POST …/chat/completions` (whole or streamed as server-sent events) and `GET …/models` (the
/// probe).
///
/// Like the Tekton handler, it hands a result out only at the end of the read it completed in, keeps the
/// connection only when the response ended cleanly and the server keeps it alive, reports anything that arrives
/// while idle so the pool closes it, and obeys a cancel only for the exchange it names. Everything a server wrote
/// that it hands out (an answer, a chunk, a model's name, an error's words) goes through the exchange's
/// ``Redactor``.
///
/// How a streamed answer ends decides what it is: `finish_reason` then `[DONE]`, or `finish_reason` then the end of
/// the body or of the connection, is an answer; `[DONE]`, or the end, without a `finish_reason` is `truncated` (the
/// partial answer travels with the failure: llama.cpp's server ends an interrupted request so).
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

    /// One exchange in flight.
    private struct Exchange {
        var token: ExchangeToken
        var observer: any ExchangeObserver
        var ask: Ask
        var maximumReplyBytes: Int
        /// Takes the secrets this exchange sent out of whatever the server says.
        var redactor: Redactor
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
        var usage: TokenUsage?
        var chunks = 0
        /// A `finish_reason` came: the answer is whole, whatever ends the stream.
        var finishReason = false
        /// `[DONE]` came.
        var done = false
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
        /// A request was sent; its response is being read (the exchange is ``exchange``). Moves to `idle` once its
        /// result was handed out at the end of a read, to `draining` when the answer is complete but the response is
        /// not, or to `failed`.
        case exchanging
        /// A streamed answer was complete (`[DONE]`) and handed out, but its response has not ended yet: servers
        /// send the last chunk of the HTTP body separately. The next exchange, if one starts now, waits for that end
        /// to be written. Moves to `idle` (or `exchanging`, with the waiting one) at the end, `failed` on anything
        /// else.
        case draining(next: Start?)
        /// The connection failed and is closing, for `reason`. Terminal.
        case failed(reason: ExchangeError)
    }

    private var state: State = .idle
    /// The exchange in flight, set exactly while `exchanging`: beside the state rather than in it, so that every
    /// read changes it where it lies (taken out of an enum and put back, its body was copied at every read: a 16 MiB
    /// answer in 64 KiB reads cost a second on the event loop).
    private var exchange: Exchange?
    private var closeReported = false
    private var context: ChannelHandlerContext?
    private let events: @Sendable (PooledConnectionEvent) -> Void

    /// Where `-v` shows the heads, and the endpoint its lines name.
    private let trace: (ExchangeTrace, endpoint: String)?

    init(events: @escaping @Sendable (PooledConnectionEvent) -> Void, trace: (ExchangeTrace, endpoint: String)? = nil) {
        self.events = events
        self.trace = trace
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
        redactor: Redactor,
        token: ExchangeToken,
        observer: any ExchangeObserver
    ) {
        let exchange = Exchange(
            token: token, observer: observer, ask: ask, maximumReplyBytes: maximumReplyBytes, redactor: redactor,
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
            observer.exchangeCompleted(token, result: .notSent(afterReset: true))
        case .exchanging, .draining(.some), .failed:
            observer.exchangeCompleted(token, result: .notSent(afterReset: false))
        }
    }

    private func send(_ start: Start) {
        guard let context else { return }
        var exchange = start.exchange
        exchange.sentAt = .now()
        self.exchange = exchange
        state = .exchanging
        if let (trace, endpoint) = self.trace {
            let head = start.head
            trace.sent(endpoint, "\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)")
            for (name, value) in head.headers { trace.sent(endpoint, ExchangeTrace.header(name, value)) }
        }
        context.write(wrapOutboundOut(.head(start.head)), promise: nil)
        if let body = start.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        // A write that fails closes the channel; when it failed because the server reset the connection, that is
        // said (not a plain close, which is all `channelInactive` would know).
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenFailure { error in
            guard let reset = ExchangeError(resetByWrite: error) else { return }
            self.fail(reset)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }

    /// Abandons the exchange `token` if it is the one running (or waiting), and closes the connection.
    func cancel(_ token: ExchangeToken) {
        switch state {
        case .exchanging where exchange?.token == token:
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
        switch state {
        case .draining(let next):
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
        case .idle:
            // A response nobody asked for: out of step, close before it is read as the next answer.
            events(.unsolicitedBytes)
            fail(.invalidReply("unsolicited response on an idle connection"))
            return
        case .failed:
            return
        case .exchanging:
            break
        }
        guard exchange!.result == nil || !exchange!.ended else {
            fail(.invalidReply("more than one response to one request"))
            return
        }
        switch part {
        case .head(let head):
            if let (trace, endpoint) = self.trace {
                trace.received(endpoint, "HTTP/\(head.version.major).\(head.version.minor) \(head.status.code) \(head.status.reasonPhrase)")
                for (name, value) in head.headers { trace.received(endpoint, ExchangeTrace.header(name, value)) }
            }
            exchange!.headAt = .now()
            exchange!.status = head.status
            exchange!.keepAlive = head.isKeepAlive
            exchange!.eventStream = head.headers.first(name: "content-type")?.lowercased()
                .hasPrefix("text/event-stream") ?? false
            if head.status == .tooManyRequests, let text = head.headers.first(name: "retry-after"),
                let seconds = Double(text.trimmed)
            {
                exchange!.retryAfter = Duration(checkedSeconds: min(max(seconds, 0), 3_600))
            }
        case .body(let bytes):
            receive(bytes)
        case .end:
            exchange!.ended = true
            if exchange!.result == nil { exchange!.result = conclude() }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        handOut(connectionEnded: false)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .exchanging = state, exchange != nil {
            if exchange!.result == nil, exchange!.eventStream, exchange!.status.map({ (200..<300).contains($0.code) }) == true {
                // The connection ended the stream (some servers close after the last event, with no `[DONE]`):
                // what the events said decides.
                exchange!.result = concludeStream()
            }
            if exchange!.result != nil {
                // A body that ends at the connection's close (HTTP/1.0, `Connection: close` without a length) is
                // complete when the decoder says so: its result stands, on a connection that is not reused.
                handOut(connectionEnded: true)
            }
        }
        fail(ExchangeError(.closed, "connection closed by specialist before replying"))
        if !closeReported {
            closeReported = true
            events(.closed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
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

    /// Hands the result out, at the end of the read it completed in (or as the connection ends).
    private func handOut(connectionEnded: Bool) {
        guard case .exchanging = state, let exchange, var result = exchange.result else { return }
        self.exchange = nil
        // Reusable only when the server keeps the connection and the response ended cleanly (or is a stream that
        // ended its answer and is only left to end its body).
        let draining = !exchange.ended && exchange.eventStream && exchange.done
        result.reusable = result.reusable && !connectionEnded && exchange.keepAlive && (exchange.ended || draining)
        result.firstByte = exchange.headAt.map { Duration($0 - exchange.sentAt) }
        if result.reusable {
            state = exchange.ended ? .idle : .draining(next: nil)
        } else {
            state = .failed(reason: ExchangeError(.closed, "connection not reusable"))
            context?.close(promise: nil)
        }
        exchange.observer.exchangeCompleted(exchange.token, result: result)
    }

    /// Takes body bytes (the exchange is running).
    private func receive(_ bytes: ByteBuffer) {
        let isSuccess = exchange!.status.map { (200..<300).contains($0.code) } ?? false
        if isSuccess, exchange!.eventStream, case .chat = exchange!.ask {
            let events: [SSEParser.Event]
            do {
                events = try exchange!.sse.feed(bytes.readableBytesView)
            } catch {
                fail(ExchangeError(.tooLarge, "streamed event larger than \(error.limit) bytes"))
                return
            }
            for event in events where exchange?.result == nil {
                guard take(event) else { return }
            }
            return
        }
        // A whole body (an answer, a model list, an error), bounded.
        guard exchange!.body.count + bytes.readableBytes <= exchange!.maximumReplyBytes else {
            fail(ExchangeError(.tooLarge, "reply larger than \(exchange!.maximumReplyBytes) bytes"))
            return
        }
        exchange!.body.append(contentsOf: bytes.readableBytesView)
    }

    /// One server-sent event of a streamed answer; false when the exchange failed on it.
    private func take(_ event: SSEParser.Event) -> Bool {
        guard event.isValidUTF8 else {
            fail(.invalidReply("invalid UTF-8 in a streamed event"))
            return false
        }
        let redactor = exchange!.redactor
        let data = event.data.trimmed
        if data == "[DONE]" {
            exchange!.done = true
            exchange!.result = concludeStream()
            return true
        }
        guard let delta = ChatCompletionCodec.delta(data) else {
            fail(.invalidReply("a streamed event is not JSON: \(redactor.redact(String(data.prefix(40))))"))
            return false
        }
        if let error = delta.error {
            exchange!.result = ExchangeResult(
                outcome: .failure(ExchangeError(.specialistError, redactor.redact(error))), reusable: true)
            return true
        }
        if let model = delta.model { exchange!.model = redactor.redact(model) }
        if let usage = delta.usage { exchange!.usage = usage }
        if let content = delta.content, !content.isEmpty {
            let limit = exchange!.maximumReplyBytes
            guard exchange!.streamed.utf8.count + content.utf8.count <= limit else {
                fail(ExchangeError(.tooLarge, "streamed answer larger than \(limit) bytes"))
                return false
            }
            exchange!.streamed += content
            let chunk = StreamChunk(index: exchange!.chunks, content: redactor.redact(content))
            exchange!.chunks += 1
            exchange!.observer.exchangeReceived(exchange!.token, chunk: chunk)
        }
        if delta.finished { exchange!.finishReason = true }
        return true
    }

    /// The result of a streamed answer that ended (by `[DONE]`, the body's end or the connection's): whole when a
    /// `finish_reason` came, cut short otherwise.
    private func concludeStream() -> ExchangeResult {
        let exchange = self.exchange!
        let content = exchange.redactor.redact(exchange.streamed)
        guard exchange.finishReason else {
            let how = exchange.done ? "[DONE] came" : "the stream ended"
            var error = ExchangeError(
                .truncated, "answer cut short: \(how) without a finish_reason (after \(exchange.chunks) chunks)")
            error.partialContent = content
            return ExchangeResult(outcome: .failure(error), reusable: true)
        }
        return .reply(.answer(ChatAnswer(content: content, model: exchange.model, usage: exchange.usage)), firstByte: nil)
    }

    /// The result once the response ended.
    private func conclude() -> ExchangeResult {
        let exchange = self.exchange!
        let redactor = exchange.redactor
        let status = exchange.status ?? .ok
        guard (200..<300).contains(status.code) else {
            let text = exchange.body.withUnsafeBytes { ChatCompletionCodec.errorText($0) }
            let words = text.isEmpty ? status.reasonPhrase : redactor.redact(text)
            if status == .tooManyRequests {
                return ExchangeResult(
                    outcome: .failure(ExchangeError(.rateLimited, "rate limited (HTTP 429): \(words)", status: 429)),
                    reusable: true, retryAfter: exchange.retryAfter ?? .seconds(5))
            }
            let refused = status == .unauthorized || status == .forbidden
            return ExchangeResult(
                outcome: .failure(
                    ExchangeError(
                        refused ? .authentication : .httpStatus, "HTTP \(status.code): \(words)",
                        status: Int(status.code))),
                reusable: true)
        }
        switch exchange.ask {
        case .probe(let model, let ping):
            let listed = exchange.body.withUnsafeBytes { ChatCompletionCodec.models($0) }
            if ping { return .reply(.alive, firstByte: nil) }
            guard let listed else { return .failure(.invalidReply("GET /models is not a model list")) }
            guard listed.contains(model) else {
                return ExchangeResult(
                    outcome: .failure(
                        ExchangeError(.specialistError, "model '\(redactor.redact(model))' is not served here")),
                    reusable: true)
            }
            return .reply(
                .info(SpecialistInfo(id: nil, description: "OpenAI-compatible", model: redactor.redact(model))),
                firstByte: nil)
        case .chat:
            // Checked first: a String built from the bytes would repair invalid UTF-8 silently.
            guard UTF8Validation.isValid(exchange.body) else { return .failure(.invalidReply("invalid UTF-8")) }
            if exchange.eventStream {
                if let event = try? self.exchange!.sse.finish(), self.exchange!.result == nil, !take(event) {
                    return .failure(.invalidReply("stream ended inside an event"))
                }
                return self.exchange?.result ?? concludeStream()
            }
            switch exchange.body.withUnsafeBytes({ ChatCompletionCodec.completion($0) }) {
            case .answer(var answer)?:
                answer.content = redactor.redact(answer.content)
                answer.model = answer.model.map(redactor.redact)
                return .reply(.answer(answer), firstByte: nil)
            case .error(let message)?:
                return ExchangeResult(
                    outcome: .failure(ExchangeError(.specialistError, redactor.redact(message))), reusable: true)
            case nil:
                let preview = String(decoding: exchange.body.prefix(40), as: UTF8.self)
                return .failure(.invalidReply("not a chat completion: \(redactor.redact(preview))"))
            }
        }
    }

    /// Fails the exchange in flight (if any) and closes the connection.
    private func fail(_ error: ExchangeError) {
        switch state {
        case .exchanging:
            state = .failed(reason: error)
            if let exchange = exchange.take() {
                exchange.observer.exchangeCompleted(
                    exchange.token, result: .failure(error, heardBack: exchange.headAt != nil))
            }
        case .draining(let next):
            state = .failed(reason: error)
            // The waiting exchange wrote nothing: it may be retried on another connection.
            next.map { $0.exchange.observer.exchangeCompleted($0.exchange.token, result: .failure(error, heardBack: false)) }
        case .idle:
            state = .failed(reason: error)
        case .failed:
            return
        }
        context?.close(promise: nil)
    }
}
