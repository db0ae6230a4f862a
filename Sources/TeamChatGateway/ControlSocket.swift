#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers

/// The gateway's local control socket, `$XDG_RUNTIME_DIR/teamchat/serve.sock` (else
/// `$XDG_CACHE_HOME/teamchat/control/serve.sock`), through which `send`, `warm` and `stats` reach a running gateway.
///
/// Who may reach it: the user who runs the gateway, and nobody else. Whoever can connect to it runs rounds with no
/// token, so its directory must be a real directory of the user's own that nobody else may enter (mode 0700, not a
/// link): one that is not is refused with a clear error, never used, never changed behind the user's back; the
/// socket itself is made 0600. A client uses a socket only under the same conditions.
///
/// A gateway claims it before binding: it takes an exclusive lock on `serve.sock.lock` (held for as long as it
/// runs), so that a second `serve` refuses clearly instead of unlinking a live socket and stealing its clients; a
/// socket file left by a gateway that died is removed then, since its lock died with it. Anything at the path that
/// is not a socket is never removed.
public final class ControlSocket: Sendable {
    public let path: String
    private let lock: NIOLockedValueBox<Int32?>

    /// Why the socket cannot be claimed.
    public struct ClaimError: Error, Hashable, Sendable, CustomStringConvertible {
        /// Why, for the exit status.
        public enum Kind: Sendable, Hashable {
            /// Another gateway holds it (exit 69).
            case busy
            /// It cannot be made safely here: a directory that is not private, something else at the path (exit 73).
            case cannotCreate
        }

        public var kind: Kind
        public var description: String

        init(_ kind: Kind, _ description: String) {
            self.kind = kind
            self.description = description
        }
    }

    /// Where the control socket of this environment lives.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return runtime + "/teamchat/serve.sock"
        }
        // Not beside the cache file itself: that directory is made with the user's umask (0775 under a umask of
        // 002), where a socket would be open to the whole group.
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            return cache + "/teamchat/control/serve.sock"
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.cache/teamchat/control/serve.sock"
    }

    /// Whether a socket file is at `path`: none means no gateway, and asking costs one `stat` instead of setting up a
    /// channel whose connect fails.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK
    }

    /// Why a client must not use the socket at `path` (`nil`: it may): it must be the user's own socket, in a
    /// private directory of the user's own (another user's socket there could answer with anything).
    public static func untrusted(_ path: String) -> String? {
        if let problem = privacyProblem(directory(of: path)) { return problem }
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return "\(path) is not a socket" }
        guard info.st_uid == geteuid() else { return "\(path) belongs to another user" }
        return nil
    }

    private static func directory(of path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    }

    /// What is wrong with `directory` for a control socket, or nil: it must be a directory (not a link to one),
    /// the user's own, that nobody else may enter.
    static func privacyProblem(_ directory: String) -> String? {
        var info = stat()
        guard lstat(directory, &info) == 0 else { return "cannot look at \(directory): \(String(cString: strerror(errno)))" }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "\(directory) is not a directory (a link?)" }
        guard info.st_uid == geteuid() else { return "\(directory) belongs to another user" }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            return "\(directory) is open to others (mode \(String(mode, radix: 8))): it must be 0700 (chmod 700 \(directory))"
        }
        return nil
    }

    /// The longest path a Unix socket address holds (`sun_path`, less its terminating zero).
    public static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Claims `path`: creates its directory (mode 0700) or checks that it is private, takes the lock, and removes a
    /// stale socket file (never anything else).
    public static func claim(_ path: String) throws(ClaimError) -> ControlSocket {
        guard path.utf8.count <= maximumPathLength else {
            throw ClaimError(
                .cannotCreate, "the control socket path is longer than \(maximumPathLength) bytes: \(path)")
        }
        let directory = directory(of: path)
        guard !directory.isEmpty else { throw ClaimError(.cannotCreate, "the control socket needs a directory: \(path)") }
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            // A parent may be missing (a cache directory never used yet): make the chain.
            var partial = ""
            for component in directory.split(separator: "/") {
                partial += "/" + component
                _ = mkdir(partial, 0o700)
            }
        }
        if let problem = privacyProblem(directory) {
            throw ClaimError(.cannotCreate, "refusing to put the control socket in \(directory): \(problem)")
        }
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw ClaimError(.cannotCreate, "cannot open \(path).lock: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ClaimError(.busy, "another teamchat serve is running on \(path)")
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            // A socket left by a gateway that died (its lock died with it) is removed; anything else is someone's.
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                close(descriptor)
                throw ClaimError(
                    .cannotCreate, "\(path) exists and is not a socket: it is left as it is; remove it or name another "
                        + "path with --control-socket")
            }
            unlink(path)
        }
        return ControlSocket(path: path, lock: descriptor)
    }

    /// Makes the bound socket readable and writable by its owner only (after the listener bound it).
    func restrictSocket() throws {
        guard chmod(path, 0o600) == 0 else {
            throw ClaimError(.cannotCreate, "cannot make \(path) private: \(String(cString: strerror(errno)))")
        }
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
