import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileHandle {
    /// What `availableData` returns — the next bytes, empty at the end — but a read interrupted by a signal is
    /// retried: Foundation's own stops the process with a fatal error on EINTR, which a test meets whenever a child
    /// it stopped (SIGSTOP) makes the kernel send it SIGCHLD while a pipe is being read. An error other than EINTR
    /// reads as the end.
    public var availableDataRetryingInterrupts: Data {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Self.readDescriptor(fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[..<count]) }
            if errno != EINTR { return Data() }
        }
    }

    private static func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }
}
