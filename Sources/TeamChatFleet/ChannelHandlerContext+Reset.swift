#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

extension ChannelHandlerContext {
    /// Closes the connection with a RST, as a crashing server would: SO_LINGER with a zero timeout turns close()
    /// into one.
    func resetConnection() {
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        guard let provider = channel as? any SocketOptionProvider else {
            close(promise: nil)
            return
        }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
