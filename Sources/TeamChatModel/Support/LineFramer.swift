import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines ending in `\n` (a preceding `\r` is dropped), refusing lines longer than a limit.
///
/// Written here rather than taken from NIOExtras' `LineBasedFrameDecoder` because the client needs three things
/// that decoder does not give: a line-length limit reported as its own error (`too_large`), a way to see that bytes
/// are buffered without a full line (a half line from an idle connection poisons it), and no O(n²) rescans when a
/// huge line arrives one byte at a time.
public struct LineFramer: Sendable {
    /// The longest line accepted, terminator excluded.
    public var maximumLineLength: Int
    private var buffer: ByteBuffer
    /// How many readable bytes were already searched for a newline.
    private var scanned = 0

    public struct LineTooLong: Error, Hashable, Sendable {
        public var limit: Int
    }

    public init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
        self.buffer = ByteBuffer()
    }

    /// Whether bytes of an unfinished line are waiting.
    public var hasBufferedBytes: Bool { buffer.readableBytes > 0 }

    /// Adds received bytes.
    public mutating func append(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes  // the common case: no copy
            scanned = 0
        } else {
            var bytes = bytes
            buffer.writeBuffer(&bytes)
        }
    }

    /// The next complete line, or `nil` when none is buffered yet.
    public mutating func nextLine() throws(LineTooLong) -> ByteBuffer? {
        // The offset of the first newline not scanned yet, looked for with memchr: every reply passes here.
        let newline = buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard let base = bytes.baseAddress, scanned < bytes.count,
                let found = memchr(base + scanned, Int32(UInt8(ascii: "\n")), bytes.count - scanned)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
        guard let newline else {
            scanned = buffer.readableBytes
            if scanned > maximumLineLength + 1 {  // +1: a trailing "\r" may still belong to a legal line
                throw LineTooLong(limit: maximumLineLength)
            }
            return nil
        }
        var length = newline
        let lineEnd = length + 1
        if length > 0, buffer.getInteger(at: buffer.readerIndex + newline - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            length -= 1
        }
        guard length <= maximumLineLength else { throw LineTooLong(limit: maximumLineLength) }
        let line = buffer.getSlice(at: buffer.readerIndex, length: length)!
        buffer.moveReaderIndex(forwardBy: lineEnd)
        scanned = 0
        if buffer.readableBytes == 0 {
            // Let go of the read's buffer once it is consumed: an idle connection then holds no copy of its last
            // reply, and the receive buffer is NIO's alone to reuse.
            buffer = Self.empty
        }
        return line
    }

    private static let empty = ByteBuffer()
}
