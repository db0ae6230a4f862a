import NIOCore
import TeamChatJSON
import TeamChatModel

/// One reply line on the Tekton wire (DESIGN §2). teamchat decodes these (extra fields ignored; anything that is
/// not a JSON object of a known shape is a protocol error); the simulated fleet encodes them, with the same field
/// names.
public enum WireReply: Sendable, Hashable {
    /// `response` or `chat_response`, and any unknown type that carries `content`.
    case response(content: String, model: String?, aiID: String?)
    /// `error`: the specialist is alive and declined.
    case error(String)
    /// `pong`.
    case pong(aiID: String?)
    /// `info_response`.
    case info(WireInfo)
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

    /// The `type` this reply has on the wire.
    public var typeName: String {
        switch self {
        case .response: "response"
        case .error: "error"
        case .pong: "pong"
        case .info: "info_response"
        case .health: "health_response"
        case .streamStart: "stream_start"
        case .streamChunk: "stream_chunk"
        case .streamEnd: "stream_end"
        case .streamError: "stream_error"
        }
    }

    // MARK: Decoding

    /// Decodes one line (without its terminator).
    public static func decode(_ line: ByteBuffer) throws(ExchangeError) -> WireReply {
        // The fields are taken as the parser meets them: no list of members is made and dropped for every reply.
        var fields = Fields()
        var valid = true
        let parsed = line.withUnsafeReadableBytes { bytes in
            // Checked first and separately so that the error says what is wrong rather than a parser's generic
            // words; on the bytes where they lie, a word at a time.
            valid = UTF8Validation.isValid(bytes)
            return Result { () throws(JSONObjectReader.Failure) in
                guard valid else { return }
                try JSONObjectReader.forEachMember(of: bytes) { key, value in fields.take(key, value) }
            }
        }
        guard valid else { throw .invalidReply("invalid UTF-8") }
        switch parsed {
        case .success:
            if let key = fields.mistyped { throw .invalidReply("field '\(key)' has the wrong type") }
            return try fields.reply()
        case .failure(.notAnObject):
            throw .invalidReply("not a JSON object")
        case .failure(.malformed):
            throw .invalidReply("not JSON: \(preview(line))")
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
        var info = WireInfo()
        var requestID: String?
        var chunkIndex: Int?
        var status: String?

        /// The first of the fields that decide what the reply means to have the wrong type.
        var mistyped: String?

        mutating func take(_ key: String, _ value: JSONObjectReader.Value) {
            switch key {
            // The fields that decide what the reply means must have the right type.
            case "type": type = text(value, key)
            case "content": content = text(value, key)
            case "error": error = text(value, key)
            // Descriptive fields are kept when they have the expected type and ignored otherwise.
            case "model": model = value.string
            case "ai_id": info.aiID = value.string
            case "component": info.component = value.string
            case "description": info.description = value.string
            case "model_provider": info.modelProvider = value.string
            case "model_name": info.modelName = value.string
            case "port": info.port = value.integer
            case "request_id": requestID = value.string
            case "chunk_index": chunkIndex = value.integer
            case "status": status = value.string
            default: break
            }
        }

        private mutating func text(_ value: JSONObjectReader.Value, _ key: String) -> String? {
            switch value {
            case .string(let text): return text
            case .null: return nil
            default:
                if mistyped == nil { mistyped = key }
                return nil
            }
        }

        func reply() throws(ExchangeError) -> WireReply {
            switch type {
            case "response", "chat_response":
                guard let content else { throw .invalidReply("\(type!) without 'content'") }
                return .response(content: content, model: model ?? info.modelName, aiID: info.aiID)
            case "error":
                return .error(error ?? content ?? "error without message")
            case "pong":
                return .pong(aiID: info.aiID)
            case "info_response":
                var info = self.info
                info.modelName = info.modelName ?? model
                return .info(info)
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
                return .response(content: content, model: model ?? info.modelName, aiID: info.aiID)
            }
        }
    }

    // MARK: Encoding

    /// The reply as one line, newline included (for the serving side).
    public var encodedLine: ByteBuffer {
        var object = JSONObjectWriter(type: typeName)
        switch self {
        case .response(let content, let model, let aiID):
            object.add("content", content)
            object.add("model", model)
            object.add("ai_id", aiID)
        case .error(let message):
            object.add("error", message)
        case .pong(let aiID):
            object.add("ai_id", aiID)
        case .info(let info):
            object.add("ai_id", info.aiID)
            object.add("component", info.component)
            object.add("description", info.description)
            object.add("model_provider", info.modelProvider)
            object.add("model_name", info.modelName)
            object.add("port", info.port)
        case .health(let status):
            object.add("status", status)
        case .streamStart(let requestID):
            object.add("request_id", requestID)
        case .streamChunk(let requestID, let index, let content):
            object.add("content", content)
            object.add("request_id", requestID)
            object.add("chunk_index", index)
        case .streamEnd(let requestID, let content):
            object.add("content", content)
            object.add("request_id", requestID)
        case .streamError(let requestID, let message):
            object.add("error", message)
            object.add("request_id", requestID)
        }
        return ByteBuffer(bytes: object.utf8(terminator: UInt8(ascii: "\n")))
    }
}
