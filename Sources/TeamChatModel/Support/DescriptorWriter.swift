#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to a file descriptor until every byte is out, through interruptions and short writes.
public enum DescriptorWriter {
    /// Writes all of `bytes` to `descriptor`; returns `nil`, or the `errno` of the write that failed.
    public static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        guard var next = bytes.baseAddress else { return nil }
        var left = bytes.count
        while left > 0 {
            #if canImport(Darwin)
            let count = Darwin.write(descriptor, next, left)
            #elseif canImport(Musl)
            let count = Musl.write(descriptor, next, left)
            #else
            let count = Glibc.write(descriptor, next, left)
            #endif
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return count < 0 ? errno : EIO }
            next += count
            left -= count
        }
        return nil
    }
}
