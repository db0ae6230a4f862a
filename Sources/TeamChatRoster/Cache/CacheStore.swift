#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

import NIOConcurrencyHelpers
import TeamChatModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The cache file on disk. Reads never see a half-written file (writes go to a temporary file that is renamed
/// over the cache), and every write is a read-modify-write under an exclusive advisory lock on a sidecar `.lock`
/// file, so concurrent teamchat processes merge their updates instead of losing them. The lock is waited for at
/// most ``lockWait``: a stopped or slow process holding it never blocks another command, which then skips its write
/// and says so.
public struct CacheStore: Sendable {
    public let path: String
    /// The longest wait for another process's lock before a write is skipped.
    public var lockWait: Duration = .milliseconds(200)
    /// The bytes last decoded here and what they decoded to, until the next read. A write reads the file again under
    /// the lock; when the bytes are the ones read before (nobody wrote meanwhile), decoding them again would give the
    /// same cache, and a file of 1,000 specialists takes milliseconds to decode. Compared byte for byte, never by
    /// file identity (see ``FileKind``).
    private let lastSeen = NIOLockedValueBox<(data: Data, cache: SpecialistCache)?>(nil)

    public init(path: String) {
        self.path = path
    }

    /// What is at a path. (Never used to skip reading a file: an inode can be reused and file times are coarse,
    /// so two versions of the cache written within a few milliseconds can look alike.)
    private struct FileKind {
        var isRegularFile: Bool

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
        }
    }

    /// Where the cache lives by default: `$TEAMCHAT_CACHE`, else `$XDG_CACHE_HOME/teamchat/specialists.json`,
    /// else `~/.cache/teamchat/specialists.json`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["TEAMCHAT_CACHE"], !path.isEmpty { return path }
        if let base = environment["XDG_CACHE_HOME"], base.hasPrefix("/") {
            return base + "/teamchat/specialists.json"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return home + "/.cache/teamchat/specialists.json"
    }

    /// Something about the cache worth one warning; the command carries on either way.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String

        public init(_ description: String) {
            self.description = description
        }
    }

    /// What reading found.
    public enum Loaded: Sendable {
        case missing
        case cache(SpecialistCache)
        /// The file could not be used; on a read-write path it was moved aside (when that was possible) and will be
        /// rebuilt.
        case unusable(Problem)
    }

    /// Reads the cache. A corrupt or future-version file is moved to `<path>.bad` unless `readOnly` (completion and
    /// `stats` only look: they never move a newer teamchat's file aside).
    public func load(readOnly: Bool = false) -> Loaded {
        read(readOnly: readOnly, remember: true)
    }

    /// Reads the cache, taking what the last read decoded when the bytes are the same. `remember`: keep what this
    /// read decodes for the next (a write's own read does not: the next read finds the bytes it wrote).
    private func read(readOnly: Bool, remember: Bool) -> Loaded {
        guard let kind = FileKind(path: path) else { return .missing }
        guard kind.isRegularFile else { return .unusable(notAFile) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .unusable(Problem("cannot read cache \(path): permission denied"))
        }
        // Taken, not kept: it serves the one read that follows (a write's), and then holds no memory.
        let seen = lastSeen.withLockedValue { seen in
            defer { seen = nil }
            return seen
        }
        if let seen, seen.data == data { return .cache(seen.cache) }
        do {
            let cache = try SpecialistCache.decode(data)
            if remember { lastSeen.withLockedValue { $0 = (data, cache) } }
            return .cache(cache)
        } catch {
            if readOnly { return .unusable(Problem("cache \(path) is \(error)")) }
            return .unusable(moveAside(error))
        }
    }

    /// Applies `transform` to the cache as it is on disk now (empty when missing or unusable) and writes the result,
    /// all under the lock. Returns the problem met, if any (the write is skipped when the lock or the file cannot
    /// be had).
    @discardableResult
    public func update(_ transform: (inout SpecialistCache) -> Void) -> Problem? {
        let folder = directory(of: path)
        if FileKind(path: folder) == nil {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                return Problem("cannot create cache directory \(folder); the cache is not written")
            }
        }
        if let kind = FileKind(path: path), !kind.isRegularFile {
            return notAFile
        }
        let lock = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { return Problem("cannot lock cache \(path): \(Self.errnoText()); the cache is not written") }
        defer { close(lock) }
        guard acquire(lock) else {
            return Problem("cache \(path) is locked by another teamchat for over \(lockWait.secondsText); not written")
        }
        defer { flock(lock, LOCK_UN) }

        var problem: Problem?
        var cache: SpecialistCache
        switch read(readOnly: false, remember: false) {
        case .missing:
            cache = SpecialistCache()
        case .cache(let current):
            cache = current
        case .unusable(let found):
            problem = found
            cache = SpecialistCache()
        }
        transform(&cache)
        if let failure = write(cache.encoded()) { return failure }
        return problem
    }

    /// Said the same way by reads and writes, so that it is warned about once.
    private var notAFile: Problem { Problem("cache \(path) is not a regular file: it is neither read nor written") }

    /// Takes the lock, waiting at most ``lockWait`` (polling: `flock` itself cannot time out).
    private func acquire(_ lock: Int32) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: lockWait)
        var pause: Duration = .milliseconds(1)
        while true {
            if flock(lock, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK || errno == EINTR else { return false }
            guard ContinuousClock.now < deadline else { return false }
            let nanoseconds = UInt32(clamping: Int64(pause.milliseconds * 1_000))
            usleep(nanoseconds)
            pause = min(pause * 2, .milliseconds(20))
        }
    }

    /// Writes `data` to a temporary file renamed over the cache. Not synced to disk: that cost a one-shot `send`
    /// half a millisecond for a file that can be rebuilt, and a file left short by a crash is read as unusable,
    /// moved aside and rebuilt like any other damage.
    private func write(_ data: Data) -> Problem? {
        let temporary = "\(path).\(getpid()).tmp"
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else { return Problem("cannot write cache \(path): \(Self.errnoText())") }
        let failure = data.withUnsafeBytes { DescriptorWriter.write($0, to: file) }
        close(file)
        if let failure {
            unlink(temporary)
            return Problem("cannot write cache \(path): \(Self.errnoText(failure))")
        }
        guard rename(temporary, path) == 0 else {
            let text = Self.errnoText()
            unlink(temporary)
            return Problem("cannot write cache \(path): \(text)")
        }
        return nil
    }

    private func moveAside(_ error: SpecialistCache.DecodeError) -> Problem {
        let aside = path + ".bad"
        if rename(path, aside) == 0 {
            return Problem("cache \(path) is \(error); moved it to \(aside) and rebuilt it")
        }
        return Problem("cache \(path) is \(error) and cannot be moved aside: \(Self.errnoText())")
    }

    /// The C library's words for `code` (by default, the last call's error).
    private static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}

/// The directory part of a path (FoundationEssentials has no NSString path helpers).
private func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}
