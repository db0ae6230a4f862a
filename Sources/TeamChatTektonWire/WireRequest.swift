import NIOCore
import TeamChatJSON
import TeamChatModel

/// A request on the Tekton wire (DESIGN §2): one JSON object on one line. teamchat encodes these; the simulated
/// fleet decodes them, with the same field names.
public enum WireRequest: Sendable, Hashable {
    /// `{"type":"chat","content":…}` with the optional streaming and sampling fields.
    case chat(ChatRequest)
    /// `{"type":"ping"}`, answered with `pong`.
    case ping
    /// `{"type":"info"}`, answered with `info_response`.
    case info
    /// `{"type":"health"}`, answered with `health_response`.
    case health

    /// Real specialists read at most 64 KiB per line; a longer request would be cut off or dropped by them.
    public static let maximumLineLength = 65_536

    /// The request as one line, newline included, ready to write to any number of connections.
    ///
    /// - Throws: ``ExchangeError`` of kind `too_large` when the line would exceed ``maximumLineLength``.
    /// With `history`, a chat carries the specialist's earlier turns as `"history":[{"role":…,"content":…}]`,
    /// which Tekton's specialists put between their system prompt and the message.
    public func encodedLine(history: [ChatTurn] = []) throws(ExchangeError) -> ByteBuffer {
        var object: JSONObjectWriter
        switch self {
        case .chat(let chat):
            object = JSONObjectWriter(type: "chat")
            object.add("content", chat.message)
            if !history.isEmpty {
                object.add("history", objects: history.map(\.json))
            }
            if chat.stream { object.add("stream", true) }
            object.add("request_id", chat.requestID)
            object.add("temperature", chat.temperature)
            object.add("max_tokens", chat.maxTokens)
        case .ping: object = JSONObjectWriter(type: "ping")
        case .info: object = JSONObjectWriter(type: "info")
        case .health: object = JSONObjectWriter(type: "health")
        }
        let line = object.utf8(terminator: UInt8(ascii: "\n"))
        guard line.count <= Self.maximumLineLength else {
            throw ExchangeError(
                .tooLarge,
                "message too long: \(line.count) bytes encoded, specialists read at most \(Self.maximumLineLength)"
            )
        }
        return ByteBuffer(bytes: line)
    }

    /// Why a request line cannot be served.
    public enum DecodeError: Error, Hashable, Sendable {
        /// Well-formed JSON that is not an object: real specialists close the connection.
        case notAnObject
        /// Not JSON: real specialists answer with an error.
        case malformed
        /// A JSON object with a `type` nobody serves (or none).
        case unknownType(String?)
    }

    /// Reads a request line (for the serving side).
    public static func decode(_ line: ByteBuffer) throws(DecodeError) -> WireRequest {
        let parsed = line.withUnsafeReadableBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.members(of: bytes) }
        }
        let members: [(key: String, value: JSONObjectReader.Value)]
        switch parsed {
        case .success(let decoded): members = decoded
        case .failure(.notAnObject): throw .notAnObject
        case .failure(.malformed): throw .malformed
        }
        var type: String?
        var chat = ChatRequest(message: "")
        for (key, value) in members {
            switch (key, value) {
            case ("type", .string(let text)): type = text
            case ("content", .string(let text)): chat.message = text
            case ("stream", .bool(let flag)): chat.stream = flag
            case ("request_id", .string(let text)): chat.requestID = text
            case ("temperature", .number(let number)): chat.temperature = number
            case ("max_tokens", let number): chat.maxTokens = number.integer
            default: continue
            }
        }
        switch type {
        case "chat": return .chat(chat)
        case "ping": return .ping
        case "info": return .info
        case "health": return .health
        default: throw .unknownType(type)
        }
    }

    /// The `type` on the wire.
    public var typeName: String {
        switch self {
        case .chat: "chat"
        case .ping: "ping"
        case .info: "info"
        case .health: "health"
        }
    }
}
