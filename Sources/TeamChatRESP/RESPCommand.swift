import NIOCore

/// A command as Redis reads it: an array of bulk strings (`SET key value` → `*3\r\n$3\r\nSET\r\n…`).
public struct RESPCommand: Sendable, Hashable, CustomStringConvertible {
    public var arguments: [[UInt8]]

    public init(_ arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    public init(_ arguments: String...) {
        self.arguments = arguments.map { Array($0.utf8) }
    }

    public init(strings arguments: [String]) {
        self.arguments = arguments.map { Array($0.utf8) }
    }

    /// The command's name, upper-cased (`SUBSCRIBE`).
    public var name: String { arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? "" }

    /// Writes the command in RESP.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.count)\r\n")
            buffer.writeBytes(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// The command for logs: its name and how many arguments, never their contents (AUTH carries a password).
    public var description: String { "\(name) (\(arguments.count - 1) arguments)" }
}
