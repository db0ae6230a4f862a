#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The cache file on disk. Reads never see a half-written file (writes go to a temporary file that is renamed
/// over the cache), and every write is a read-modify-write under an exclusive advisory lock on a sidecar
/// `.lock` file, so concurrent teamchat processes merge their updates instead of losing them.
public struct CacheStore: Sendable {
    public let path: String
    /// The last version this process read or wrote, so that an unchanged file is not decoded again.
    private let lastSeen = NIOLockedValueBox<(identity: FileIdentity, cache: SpecialistCache)?>(nil)

    public init(path: String) {
        self.path = path
    }

    /// What tells two versions of the file apart: every write renames a new file over the old, so the inode
    /// changes; size and modification time guard against inode reuse.
    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedNanoseconds: Int64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            #if canImport(Darwin)
            let modified = info.st_mtimespec
            #else
            let modified = info.st_mtim
            #endif
            modifiedNanoseconds = Int64(modified.tv_sec) * 1_000_000_000 + Int64(modified.tv_nsec)
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
    }

    /// What reading found.
    public enum Loaded: Sendable {
        case missing
        case cache(SpecialistCache)
        /// The file could not be used; it was moved aside (when that was possible) and will be rebuilt.
        case unusable(Problem)
    }

    /// Reads the cache. A corrupt or future-version file is moved to `<path>.bad`.
    public func load() -> Loaded {
        let identity = FileIdentity(path: path)
        if let identity, let seen = lastSeen.withLockedValue({ $0 }), seen.identity == identity {
            return .cache(seen.cache)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return FileManager.default.fileExists(atPath: path)
                ? .unusable(Problem(description: "cannot read cache \(path)")) : .missing
        }
        do {
            let cache = try SpecialistCache.decode(data)
            if let identity { lastSeen.withLockedValue { $0 = (identity, cache) } }
            return .cache(cache)
        } catch {
            return .unusable(moveAside(error))
        }
    }

    /// Applies `transform` to the cache as it is on disk now (nil when missing or unusable) and writes the result,
    /// all under the lock. Returns the problem met, if any (the transform's result is then not stored).
    @discardableResult
    public func update(_ transform: (SpecialistCache?) -> SpecialistCache?) -> Problem? {
        let folder = directory(of: path)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            return Problem(description: "cannot create cache directory \(folder)")
        }
        let lock = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { return Problem(description: "cannot lock cache \(path): \(Self.errnoText())") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { return Problem(description: "cannot lock cache \(path): \(Self.errnoText())") }
        }
        defer { flock(lock, LOCK_UN) }

        var problem: Problem?
        let current: SpecialistCache?
        switch load() {
        case .missing: current = nil
        case .cache(let cache): current = cache
        case .unusable(let found):
            problem = found
            current = nil
        }
        guard let updated = transform(current) else { return problem }
        if let failure = write(updated.encoded()) { return failure }
        if let identity = FileIdentity(path: path) { lastSeen.withLockedValue { $0 = (identity, updated) } }
        return problem
    }

    private func write(_ data: Data) -> Problem? {
        let temporary = "\(path).\(getpid()).tmp"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            return Problem(description: "cannot write cache \(path)")
        }
        guard rename(temporary, path) == 0 else {
            let text = Self.errnoText()
            unlink(temporary)
            return Problem(description: "cannot write cache \(path): \(text)")
        }
        return nil
    }

    private func moveAside(_ error: SpecialistCache.DecodeError) -> Problem {
        let aside = path + ".bad"
        if rename(path, aside) == 0 {
            return Problem(description: "cache \(path) is \(error); moved it to \(aside) and rebuilt it")
        }
        return Problem(description: "cache \(path) is \(error) and cannot be moved aside: \(Self.errnoText())")
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

/// The directory part of a path (FoundationEssentials has no NSString path helpers).
private func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}
