#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers

/// The gateway's local control socket, `$XDG_RUNTIME_DIR/teamchat/serve.sock` (else under the cache directory),
/// through which `send`, `warm` and `stats` reach a running gateway.
///
/// A gateway claims it before binding: it takes an exclusive lock on `serve.sock.lock` (held for as long as it
/// runs), so that a second `serve` refuses clearly instead of unlinking a live socket and stealing its clients; a
/// socket file left by a gateway that died is removed then, since its lock died with it.
public final class ControlSocket: Sendable {
    public let path: String
    private let lock: NIOLockedValueBox<Int32?>

    /// Why the socket cannot be claimed.
    public struct ClaimError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Where the control socket of this environment lives.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return runtime + "/teamchat/serve.sock"
        }
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/teamchat/serve.sock" }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.cache/teamchat/serve.sock"
    }

    /// Whether a socket file is at `path`: none means no gateway, and asking costs one `stat` instead of setting up a
    /// channel whose connect fails.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK
    }

    /// The longest path a Unix socket address holds (`sun_path`, less its terminating zero).
    public static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Claims `path`: creates its directory (mode 0700), takes the lock, and removes a stale socket file.
    public static func claim(_ path: String) throws(ClaimError) -> ControlSocket {
        guard path.utf8.count <= maximumPathLength else {
            throw ClaimError(description: "the control socket path is longer than \(maximumPathLength) bytes: \(path)")
        }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty {
            if mkdir(directory, 0o700) != 0, errno != EEXIST {
                // A parent may be missing (a cache directory never used yet): make the chain.
                var partial = ""
                for component in directory.split(separator: "/") {
                    partial += "/" + component
                    _ = mkdir(partial, 0o700)
                }
            }
            var info = stat()
            guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw ClaimError(description: "cannot create the directory \(directory) for the control socket")
            }
        }
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ClaimError(description: "cannot open \(path).lock: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ClaimError(description: "another teamchat serve is running on \(path)")
        }
        unlink(path)
        return ControlSocket(path: path, lock: descriptor)
    }

    private init(path: String, lock: Int32) {
        self.path = path
        self.lock = NIOLockedValueBox(lock)
    }

    /// Removes the socket file and lets the lock go (after the listener closed).
    public func release() {
        lock.withLockedValue { descriptor in
            guard let open = descriptor else { return }
            unlink(path)
            close(open)
            descriptor = nil
        }
    }

    deinit {
        release()
    }
}
