#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
        // Checked first and separately so that the error says what is wrong rather than a decoder's generic words.
        guard String(validating: line.readableBytesView, as: UTF8.self) != nil else {
            throw .invalidReply("invalid UTF-8")
        }
        let fields: Fields
        do {
            fields = try WireJSON.decoder.decode(Fields.self, from: Data(line.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw .invalidReply("not a JSON object")
        } catch DecodingError.typeMismatch(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidReply("field '\(field)' has the wrong type")
        } catch {
            throw .invalidReply("not JSON: \(Self.preview(line))")
        }
        return try fields.reply()
    }

    /// The first bytes of a bad line, for an error message (escaped by whoever prints it).
    static func preview(_ line: ByteBuffer) -> String {
        let prefix = line.getSlice(at: line.readerIndex, length: min(40, line.readableBytes)) ?? line
        let text = String(decoding: prefix.readableBytesView, as: UTF8.self)
        return line.readableBytes > 40 ? "\(text)…" : text
    }

    /// Every field any reply may carry; all optional so that extra or missing ones never fail decoding.
    private struct Fields: Decodable {
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

        enum CodingKeys: String, CodingKey {
            case type, content, error, model, component, description, port, status
            case aiID = "ai_id"
            case modelProvider = "model_provider"
            case modelName = "model_name"
            case requestID = "request_id"
            case chunkIndex = "chunk_index"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeIfPresent(String.self, forKey: .type)
            content = try c.decodeIfPresent(String.self, forKey: .content)
            error = try c.decodeIfPresent(String.self, forKey: .error)
            // Descriptive fields are kept when they have the expected type and ignored otherwise.
            model = try? c.decodeIfPresent(String.self, forKey: .model)
            aiID = try? c.decodeIfPresent(String.self, forKey: .aiID)
            component = try? c.decodeIfPresent(String.self, forKey: .component)
            description = try? c.decodeIfPresent(String.self, forKey: .description)
            modelProvider = try? c.decodeIfPresent(String.self, forKey: .modelProvider)
            modelName = try? c.decodeIfPresent(String.self, forKey: .modelName)
            port = try? c.decodeIfPresent(Int.self, forKey: .port)
            requestID = try? c.decodeIfPresent(String.self, forKey: .requestID)
            chunkIndex = try? c.decodeIfPresent(Int.self, forKey: .chunkIndex)
            status = try? c.decodeIfPresent(String.self, forKey: .status)
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
