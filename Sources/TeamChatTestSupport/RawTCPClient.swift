#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOPosix

/// A TCP client on a bare socket, for tests that must behave as no well-made client does: send bytes that break a
/// protocol, stall half-way, or never read what they are sent (its receive buffer can be made small, so that the
/// server feels it at once). Blocking calls run on NIO's thread pool, never on a cooperative thread; every read is
/// bounded (``readTimeout``), so a server that never answers fails a test instead of hanging it.
public final class RawTCPClient: Sendable {
    public let descriptor: Int32
    /// How long one read waits for bytes.
    public static let readTimeout = 10

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Connects to 127.0.0.1:`port`; with `receiveBuffer`, the kernel keeps at most about that much unread.
    public init(port: Int, receiveBuffer: Int? = nil) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer.map(Int32.init) {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: Self.readTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let words = String(cString: strerror(errno))
            Self.closeDescriptor(descriptor)
            throw Failure(description: "connect: \(words)")
        }
        self.descriptor = descriptor
    }

    /// Writes all of `bytes` (blocking while the server does not read).
    public func write(_ bytes: [UInt8]) async throws {
        let descriptor = self.descriptor
        try await NIOThreadPool.singleton.runIfActive {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else {
                    if written < 0, errno == EINTR { continue }
                    throw Failure(description: "send: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Writes what the socket takes now, without waiting; how much it took (0 when the server stopped reading,
    /// -1 when the connection is gone).
    public func writeWithoutWaiting(_ bytes: [UInt8]) -> Int {
        let written = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        if written < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1 }
        return written
    }

    /// The next bytes the server sent; empty at the end of the stream. Throws when nothing came within
    /// ``readTimeout`` or the connection was reset.
    public func read(upTo count: Int = 65_536) async throws -> [UInt8] {
        let descriptor = self.descriptor
        return try await NIOThreadPool.singleton.runIfActive {
            var buffer = [UInt8](repeating: 0, count: count)
            while true {
                let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, count, 0) }
                if got >= 0 { return Array(buffer[..<got]) }
                if errno == EINTR { continue }
                throw Failure(description: "recv: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Everything the server sends until it closes the connection (a reset ends it too).
    public func readToEnd() async throws -> [UInt8] {
        var all: [UInt8] = []
        while true {
            let piece: [UInt8]
            do {
                piece = try await read()
            } catch let failure as Failure where failure.description.contains("reset") {
                return all
            }
            if piece.isEmpty { return all }
            all += piece
        }
    }

    /// An HTTP response head: the bytes up to the blank line (and whatever came after it, which it returns too).
    public func readHead() async throws -> (head: String, rest: [UInt8]) {
        var all: [UInt8] = []
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let range = all.firstRange(of: end) {
                return (String(decoding: all[..<range.upperBound], as: UTF8.self), Array(all[range.upperBound...]))
            }
            let piece = try await read()
            if piece.isEmpty { return (String(decoding: all, as: UTF8.self), []) }
            all += piece
        }
    }

    public func close() {
        Self.closeDescriptor(descriptor)
    }

    private static func closeDescriptor(_ descriptor: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }
}

/// Bytes of the WebSocket protocol (RFC 6455), written and read by hand for ``RawTCPClient``.
public enum RawWebSocket {
    /// The upgrade request for `path` on `port`, with `headers`.
    public static func upgrade(path: String = "/api/team-chat/ws", port: Int, headers: [(String, String)] = []) -> [UInt8] {
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        text += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// One frame: masked unless told otherwise (a client's must be), with the reserved bits given.
    public static func frame(
        opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0
    ) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0x0F)]
        let maskBit: UInt8 = masked ? 0x80 : 0
        switch payload.count {
        case ..<126: bytes.append(maskBit | UInt8(payload.count))
        case ..<65_536:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        guard masked else { return bytes + payload }
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        return bytes + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    public static func text(_ text: String, masked: Bool = true) -> [UInt8] {
        frame(opcode: 0x1, Array(text.utf8), masked: masked)
    }

    /// The frames a server sent (unmasked), as (opcode, payload); stops at a frame cut short.
    public static func frames(in bytes: [UInt8]) -> [(opcode: UInt8, payload: [UInt8])] {
        var frames: [(UInt8, [UInt8])] = []
        var index = 0
        while index + 2 <= bytes.count {
            let opcode = bytes[index] & 0x0F
            var length = Int(bytes[index + 1] & 0x7F)
            var start = index + 2
            if length == 126 {
                guard start + 2 <= bytes.count else { break }
                length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
                start += 2
            } else if length == 127 {
                guard start + 8 <= bytes.count else { break }
                length = bytes[start..<start + 8].reduce(0) { $0 << 8 | Int($1) }
                start += 8
            }
            guard start + length <= bytes.count else { break }
            frames.append((opcode, Array(bytes[start..<start + length])))
            index = start + length
        }
        return frames
    }

    /// The status code of the close frame among `bytes`, if the server sent one.
    public static func closeCode(in bytes: [UInt8]) -> Int? {
        guard let close = frames(in: bytes).first(where: { $0.opcode == 0x8 }), close.payload.count >= 2 else { return nil }
        return Int(close.payload[0]) << 8 | Int(close.payload[1])
    }
}
