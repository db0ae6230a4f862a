#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits for standard input to be readable, or for another thread to say "stop waiting" (Ctrl-C at the prompt,
/// SIGTERM): a pipe polled beside the input, so a blocked read can always be ended.
final class InputWaker: Sendable {
    enum Wait {
        case readable
        case woken
        case timedOut
    }

    private let readEnd: Int32
    private let writeEnd: Int32

    init?() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        readEnd = ends[0]
        writeEnd = ends[1]
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Ends the current (or the next) wait.
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Waits until `descriptor` is readable or ``wake()`` is called; `milliseconds` -1 waits for ever.
    func wait(for descriptor: Int32, milliseconds: Int32 = -1) -> Wait {
        var fds = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&fds, 2, milliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { return .timedOut }
            if fds[1].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(readEnd, &drain, drain.count) > 0 {}
                return .woken
            }
            return .readable  // data, end of input or an error: the read says which
        }
    }
}
