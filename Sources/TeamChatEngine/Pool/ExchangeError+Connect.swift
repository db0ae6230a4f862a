#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import TeamChatModel

extension ExchangeError {
    /// Classifies a failed connect: a timeout, nobody listening, a name that does not resolve, or our own limits.
    public init(connectError error: any Error, connectTimeout: Duration) {
        switch error {
        case ChannelError.connectTimeout:
            self.init(.connectTimeout, "connect timeout after \(connectTimeout.secondsText)")
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first?.error {
                self.init(connectError: first, connectTimeout: connectTimeout)
            } else if error.dnsAError != nil || error.dnsAAAAError != nil || error.connectionErrors.isEmpty {
                self.init(.resolve, "cannot resolve host '\(error.host)'")
            } else {
                self.init(.refused, "cannot connect to '\(error.host)'")
            }
        case let error as IOError:
            self.init(errno: error.errnoCode, connectTimeout: connectTimeout)
        case let error as SocketAddressError:
            self.init(.resolve, "cannot resolve host: \(error)")
        default:
            self.init(.refused, "cannot connect: \(error)")
        }
    }

    private init(errno code: Int32, connectTimeout: Duration) {
        switch code {
        case ECONNREFUSED:
            self.init(.refused, "connection refused")
        case ETIMEDOUT:
            self.init(.connectTimeout, "connect timeout after \(connectTimeout.secondsText)")
        case ECONNRESET, EPIPE:
            self.init(.reset, "connection reset by specialist")
        case EMFILE, ENFILE, ENOBUFS, ENOMEM:
            self.init(.localResource, "cannot connect: \(Self.text(code)) (teamchat's own limit)")
        case ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL:
            self.init(.refused, "cannot connect: \(Self.text(code))")
        default:
            self.init(.refused, "cannot connect: \(Self.text(code))")
        }
    }

    /// Classifies an error on an established connection.
    public init(channelError error: any Error) {
        switch error {
        case let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE:
            self.init(.reset, "connection reset by specialist")
        case let error as IOError where [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode):
            self.init(.localResource, "connection error: \(Self.text(error.errnoCode)) (teamchat's own limit)")
        case let error as IOError:
            self.init(.reset, "connection error: \(Self.text(error.errnoCode))")
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.eof:
            self.init(.closed, "connection closed by specialist before replying")
        default:
            self.init(.closed, "connection error: \(error)")
        }
    }

    /// A reset, when a write failed because the peer reset the connection (a write that meets a reset is often where
    /// it is seen first: then `channelInactive` alone would say only "closed"); `nil` for any other failure.
    public init?(resetByWrite error: any Error) {
        guard let error = error as? IOError, error.errnoCode == ECONNRESET || error.errnoCode == EPIPE else {
            return nil
        }
        self.init(.reset, "connection reset by specialist")
    }

    private static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
