#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The process's environment, read once. `ProcessInfo.environment` builds a new dictionary from `environ` on every
/// access, and a one-shot `send` asked it four times (options, transports, style, progress line): 1% of the
/// process. teamchat never changes its own environment, so one snapshot is the environment for the process's life.
enum ProcessEnvironment {
    #if canImport(Glibc) || canImport(Musl)
    /// Read from `environ` itself: `ProcessInfo.processInfo`'s own start-up was half of what the snapshot cost.
    /// A name set twice keeps its first value, as `getenv` finds it.
    static let current: [String: String] = {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(text[..<equals])
                if variables[name] == nil { variables[name] = String(text[text.utf8.index(after: equals)...]) }
            }
            entry += 1
        }
        return variables
    }()
    #else
    static let current: [String: String] = ProcessInfo.processInfo.environment
    #endif
}
