import NIOCore

/// One reply line from a specialist, decoded (DESIGN §2). Extra fields are ignored; anything that is not a JSON
/// object of a known shape is a protocol error.
public enum WireReply: Sendable, Hashable {
    /// `response` or `chat_response`, and any unknown type that carries `content`.
    case response(ChatAnswer)
    /// `error`: the specialist is alive and declined.
    case error(String)
    /// `pong`.
    case pong
    /// `info_response`.
    case info(SpecialistInfo)
    /// `health_response`, with its `status` when given.
    case health(status: String?)
    /// `stream_start`.
    case streamStart(requestID: String?)
    /// `stream_chunk`.
    case streamChunk(requestID: String?, index: Int?, content: String)
    /// `stream_end`, with any final `content`.
    case streamEnd(requestID: String?, content: String?)
    /// `stream_error`.
    case streamError(requestID: String?, message: String)

    /// Decodes one line (without its terminator).
    public static func decode(_ line: ByteBuffer) throws(ExchangeError) -> WireReply {
        // Checked first and separately so that the error says what is wrong rather than a parser's generic words.
        guard isValidUTF8(line) else { throw .invalidReply("invalid UTF-8") }
        let parsed = line.withUnsafeReadableBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.members(of: bytes) }
        }
        switch parsed {
        case .success(let members):
            return try Fields(members).reply()
        case .failure(.notAnObject):
            throw .invalidReply("not a JSON object")
        case .failure(.malformed):
            throw .invalidReply("not JSON: \(preview(line))")
        }
    }

    /// Validates without building a String.
    static func isValidUTF8(_ line: ByteBuffer) -> Bool {
        var iterator = line.readableBytesView.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// The first bytes of a bad line, for an error message (escaped by whoever prints it).
    static func preview(_ line: ByteBuffer) -> String {
        let prefix = line.getSlice(at: line.readerIndex, length: min(40, line.readableBytes)) ?? line
        let text = String(decoding: prefix.readableBytesView, as: UTF8.self)
        return line.readableBytes > 40 ? "\(text)…" : text
    }

    /// Every field any reply may carry; all optional so that extra or missing ones never fail decoding.
    private struct Fields {
        var type: String?
        var content: String?
        var error: String?
        var model: String?
        var aiID: String?
        var component: String?
        var description: String?
        var modelProvider: String?
        var modelName: String?
        var port: Int?
        var requestID: String?
        var chunkIndex: Int?
        var status: String?

        init(_ members: [(key: String, value: JSONObjectReader.Value)]) throws(ExchangeError) {
            for (key, value) in members {
                switch key {
                // The fields that decide what the reply means must have the right type.
                case "type": type = try Self.text(value, key)
                case "content": content = try Self.text(value, key)
                case "error": error = try Self.text(value, key)
                // Descriptive fields are kept when they have the expected type and ignored otherwise.
                case "model": model = value.string
                case "ai_id": aiID = value.string
                case "component": component = value.string
                case "description": description = value.string
                case "model_provider": modelProvider = value.string
                case "model_name": modelName = value.string
                case "port": port = value.integer
                case "request_id": requestID = value.string
                case "chunk_index": chunkIndex = value.integer
                case "status": status = value.string
                default: continue
                }
            }
        }

        private static func text(_ value: JSONObjectReader.Value, _ key: String) throws(ExchangeError) -> String? {
            switch value {
            case .string(let text): return text
            case .null: return nil
            default: throw .invalidReply("field '\(key)' has the wrong type")
            }
        }

        func reply() throws(ExchangeError) -> WireReply {
            switch type {
            case "response", "chat_response":
                guard let content else { throw .invalidReply("\(type!) without 'content'") }
                return .response(ChatAnswer(content: content, model: model ?? modelName, aiID: aiID))
            case "error":
                return .error(error ?? content ?? "error without message")
            case "pong":
                return .pong
            case "info_response":
                return .info(
                    SpecialistInfo(
                        aiID: aiID,
                        component: component,
                        description: description,
                        modelProvider: modelProvider,
                        modelName: modelName ?? model,
                        port: port
                    )
                )
            case "health_response":
                return .health(status: status)
            case "stream_start":
                return .streamStart(requestID: requestID)
            case "stream_chunk":
                return .streamChunk(requestID: requestID, index: chunkIndex, content: content ?? "")
            case "stream_end":
                return .streamEnd(requestID: requestID, content: content)
            case "stream_error":
                return .streamError(requestID: requestID, message: error ?? content ?? "stream error")
            default:
                guard let content else {
                    throw .invalidReply(type.map { "unknown type '\($0)'" } ?? "no 'type'")
                }
                return .response(ChatAnswer(content: content, model: model ?? modelName, aiID: aiID))
            }
        }
    }
}

/// A specialist's answer to a chat.
public struct ChatAnswer: Sendable, Hashable {
    public var content: String
    public var model: String?
    public var aiID: String?

    public init(content: String, model: String? = nil, aiID: String? = nil) {
        self.content = content
        self.model = model
        self.aiID = aiID
    }
}

/// What a specialist says about itself in `info_response`.
public struct SpecialistInfo: Sendable, Hashable, Codable {
    public var aiID: String?
    public var component: String?
    public var description: String?
    public var modelProvider: String?
    public var modelName: String?
    public var port: Int?

    public init(
        aiID: String? = nil,
        component: String? = nil,
        description: String? = nil,
        modelProvider: String? = nil,
        modelName: String? = nil,
        port: Int? = nil
    ) {
        self.aiID = aiID
        self.component = component
        self.description = description
        self.modelProvider = modelProvider
        self.modelName = modelName
        self.port = port
    }
}
