#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

/// A request teamchat sends to a specialist (DESIGN §2): one JSON object on one line.
public enum WireRequest: Sendable, Hashable {
    /// `{"type":"chat","content":…}` with the optional streaming and sampling fields.
    case chat(Chat)
    /// `{"type":"ping"}`, answered with `pong`.
    case ping
    /// `{"type":"info"}`, answered with `info_response`.
    case info
    /// `{"type":"health"}`, answered with `health_response`.
    case health

    /// The fields of a chat request.
    public struct Chat: Sendable, Hashable {
        public var content: String
        public var stream: Bool
        public var requestID: String?
        public var temperature: Double?
        public var maxTokens: Int?

        public init(
            content: String,
            stream: Bool = false,
            requestID: String? = nil,
            temperature: Double? = nil,
            maxTokens: Int? = nil
        ) {
            self.content = content
            self.stream = stream
            self.requestID = requestID
            self.temperature = temperature
            self.maxTokens = maxTokens
        }
    }

    /// Convenience for the common case.
    public static func chat(_ content: String, stream: Bool = false, requestID: String? = nil) -> WireRequest {
        .chat(Chat(content: content, stream: stream, requestID: requestID))
    }

    /// Real specialists read at most 64 KiB per line; a longer request would be cut off or dropped by them.
    public static let maximumLineLength = 65_536

    /// The kind of reply that completes this request's exchange.
    public var expectation: ReplyExpectation {
        switch self {
        case .chat(let chat): chat.stream ? .stream(requestID: chat.requestID) : .chat
        case .ping: .pong
        case .info: .info
        case .health: .health
        }
    }

    /// The request as one line, newline included, ready to write to any number of connections.
    ///
    /// - Throws: ``ExchangeError`` with kind `tooLarge` when the line would exceed ``maximumLineLength``.
    public func encodedLine() throws(ExchangeError) -> ByteBuffer {
        let body: Data
        do {
            body = try WireJSON.encoder.encode(Body(self))
        } catch {
            throw ExchangeError(.protocolError, "cannot encode request: \(error)")
        }
        guard body.count + 1 <= Self.maximumLineLength else {
            throw ExchangeError(
                .tooLarge,
                "message too long: \(body.count + 1) bytes encoded, specialists read at most \(Self.maximumLineLength)"
            )
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(body.count + 1)
        buffer.writeBytes(body)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    /// The wire shape; optional fields are left out when absent.
    private struct Body: Encodable {
        var type: String
        var content: String?
        var stream: Bool?
        var requestID: String?
        var temperature: Double?
        var maxTokens: Int?

        enum CodingKeys: String, CodingKey {
            case type, content, stream, temperature
            case requestID = "request_id"
            case maxTokens = "max_tokens"
        }

        init(_ request: WireRequest) {
            switch request {
            case .chat(let chat):
                type = "chat"
                content = chat.content
                stream = chat.stream ? true : nil
                requestID = chat.requestID
                temperature = chat.temperature
                maxTokens = chat.maxTokens
            case .ping: type = "ping"
            case .info: type = "info"
            case .health: type = "health"
            }
        }
    }
}

/// Shared JSON coders. Both types are thread-safe in swift-foundation; options are set once, here.
enum WireJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static let decoder = JSONDecoder()
}
