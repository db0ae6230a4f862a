#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore

/// A port that refuses connections for as long as it is held: a TCP socket bound to it that never listens.
///
/// Binding and closing at once would hand the number back to the kernel, which may give it to another listener or
/// use it as the local port of an outgoing connection (and a connect to a port equal to one's own local port on
/// loopback is a TCP self-connect that succeeds). Holding the bound socket keeps it refusing.
///
/// Tests that scan a range hold every port of it that is not a specialist's, so that the scan can only ever meet
/// their own fleet (see `HardeningTests.bigScan`).
public final class ReservedPort: Sendable {
    public let port: Int
    private let descriptor: NIOLockedValueBox<Int32?>

    /// Binds `port` (an ephemeral one when 0) on `host`; throws when it is taken.
    public init(host: String, port: Int = 0) throws {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        // Close-on-exec: a process started meanwhile (the tests start many) would otherwise inherit the socket and
        // keep the port bound after `release()`, and a server meant to take the port over fails with "address in use".
        #if canImport(Darwin)
        let kind = SOCK_STREAM
        #else
        let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #endif
        let socketDescriptor = socket(Int32(address.protocol.rawValue), kind, 0)
        guard socketDescriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        #if canImport(Darwin)
        _ = fcntl(socketDescriptor, F_SETFD, FD_CLOEXEC)
        #endif
        let bound = address.withSockAddr { pointer, size in bind(socketDescriptor, pointer, socklen_t(size)) }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        guard bound == 0, named == 0, let local = try? SocketAddress(storage), let port = local.port else {
            let code = errno
            close(socketDescriptor)
            throw IOError(errnoCode: code, reason: "bind")
        }
        self.port = port
        self.descriptor = NIOLockedValueBox(socketDescriptor)
    }

    /// Lets the port go.
    public func release() {
        descriptor.withLockedValue { descriptor in
            if let open = descriptor { close(open) }
            descriptor = nil
        }
    }

    deinit {
        release()
    }
}

extension SocketAddress {
    /// An address from a `sockaddr_storage` filled in by the kernel.
    fileprivate init(_ storage: sockaddr_storage) throws {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            self = withUnsafeBytes(of: &storage) { SocketAddress($0.load(as: sockaddr_in.self), host: "") }
        case AF_INET6:
            self = withUnsafeBytes(of: &storage) { SocketAddress($0.load(as: sockaddr_in6.self), host: "") }
        default:
            throw IOError(errnoCode: EAFNOSUPPORT, reason: "getsockname")
        }
    }
}
