#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

extension ExchangeError {
    /// Classifies a failed connect.
    init(connectError error: any Error, connectTimeout: Duration) {
        switch error {
        case ChannelError.connectTimeout:
            self.init(.connectTimeout, "connect timeout after \(connectTimeout.secondsText)")
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first?.error {
                self.init(connectError: first, connectTimeout: connectTimeout)
            } else {
                self.init(.refused, "cannot resolve host '\(error.host)'")
            }
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            self.init(.refused, "connection refused")
        case let error as IOError where error.errnoCode == ETIMEDOUT:
            self.init(.connectTimeout, "connect timeout after \(connectTimeout.secondsText)")
        case let error as IOError:
            self.init(.refused, "cannot connect: \(String(cString: strerror(error.errnoCode)))")
        default:
            self.init(.refused, "cannot connect: \(error)")
        }
    }

    /// Classifies an error on an established connection.
    init(channelError error: any Error) {
        switch error {
        case let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE:
            self.init(.reset, "connection reset by specialist")
        case let error as IOError:
            self.init(.reset, "connection error: \(String(cString: strerror(error.errnoCode)))")
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.eof:
            self.init(.closed, "connection closed by specialist before replying")
        default:
            self.init(.closed, "connection error: \(error)")
        }
    }
}
