#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit. A round to N specialists needs N descriptors at once; the default soft limit
/// (often 1024) is lower than the hard limit, which teamchat may raise itself to.
public enum DescriptorLimit {
    /// What ``ensure(_:)`` did.
    public enum Outcome: Sendable, Hashable {
        /// The soft limit was already enough.
        case sufficient(Int)
        /// The soft limit was raised from the first value to the second.
        case raised(from: Int, to: Int)
        /// Even the hard limit is too low.
        case insufficient(needed: Int, hardLimit: Int)
    }

    /// Makes sure `needed` descriptors can be open at once, raising the soft limit up to the hard limit.
    public static func ensure(_ needed: Int) -> Outcome {
        var limit = rlimit()
        guard getrlimit(resourceLimit, &limit) == 0 else { return .sufficient(needed) }
        let soft = Int(clamping: limit.rlim_cur)
        let hard = Int(clamping: limit.rlim_max)  // RLIM_INFINITY is the largest value: clamps to Int.max
        if soft >= needed { return .sufficient(soft) }
        guard hard >= needed else { return .insufficient(needed: needed, hardLimit: hard) }
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(resourceLimit, &limit) == 0 else { return .insufficient(needed: needed, hardLimit: soft) }
        return .raised(from: soft, to: hard)
    }

    /// Descriptors a round to `specialists` needs: one connection each, plus the process's own (stdio, event
    /// loops, the cache file) with room to spare.
    public static func needed(forSpecialists specialists: Int) -> Int {
        specialists + reserve
    }

    /// What to tell people when even the hard limit is too low (said the same way wherever it is found out, so that
    /// it is said once).
    public static func warning(specialists: Int, needed: Int, hardLimit: Int) -> String {
        "\(specialists) specialists need about \(needed) open files, but the limit is \(hardLimit) (raise it with "
            + "'ulimit -n'): probes go in batches, and connections that do not fit fail as 'local_resource'"
    }

    /// Descriptors kept for the process's own use (stdio, event loops, pipes, the cache file).
    public static let reserve = 64

    /// Descriptors this process has open now (counted in `/proc/self/fd` where there is one).
    public static var inUse: Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = -1  // the directory's own descriptor
        while let entry = readdir(directory) {
            let name = entry.pointee.d_name
            if name.0 != UInt8(ascii: ".") { count += 1 }  // skip "." and ".."
        }
        return max(0, count)
    }

    /// Descriptors that can still be opened: the soft limit less those in use (or less ``reserve`` where they cannot
    /// be counted), less a small margin for the process's own needs.
    public static var available: Int {
        let limit = current
        guard let used = inUse else { return limit - reserve }
        return limit - used - 8
    }

    /// The soft limit now.
    public static var current: Int {
        var limit = rlimit()
        guard getrlimit(resourceLimit, &limit) == 0 else { return Int.max }
        return Int(clamping: limit.rlim_cur)
    }

    #if canImport(Glibc)
    private static let resourceLimit = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resourceLimit = RLIMIT_NOFILE
    #endif
}
