#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The process's environment, read once. `ProcessInfo.environment` builds a new dictionary from `environ` on every
/// access, and a one-shot `send` asked it four times (options, transports, style, progress line): 1% of the
/// process. teamchat never changes its own environment, so one snapshot is the environment for the process's life.
enum ProcessEnvironment {
    static let current: [String: String] = ProcessInfo.processInfo.environment
}
