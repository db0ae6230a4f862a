#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOPosix

/// Standard input read whole, as a Unix tool reads it for `cat log | teamchat send "explain"`.
enum StandardInput {
    /// Everything on standard input up to its end (at most `limit` bytes: more is an error), read on NIO's thread
    /// pool (never on a cooperative thread), retrying reads a signal interrupted. Cancelling the task ends the wait
    /// (within a tenth of a second: the read waits in `poll`, which looks at the cancellation between waits), so
    /// that Ctrl-C while a writer holds the pipe open is an interruption like any other.
    static func readAll(limit: Int) async throws -> [UInt8] {
        let cancelled = NIOLockedValueBox(false)
        return try await withTaskCancellationHandler {
            try await NIOThreadPool.singleton.runIfActive {
                var all: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    var ready = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
                    let polled = poll(&ready, 1, 100)
                    if cancelled.withLockedValue({ $0 }) { throw CancellationError() }
                    if polled == 0 || (polled < 0 && errno == EINTR) { continue }
                    let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                    if count == 0 { return all }
                    if count < 0 {
                        if errno == EINTR || errno == EAGAIN { continue }
                        throw fail(ExitStatus.noInput, "cannot read standard input: \(String(cString: strerror(errno)))")
                    }
                    all += buffer[..<count]
                    if all.count > limit {
                        throw fail(ExitStatus.badInput, "standard input is longer than a message may be (\(limit) bytes)")
                    }
                }
            }
        } onCancel: {
            cancelled.withLockedValue { $0 = true }
        }
    }
}
