import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// API keys, read from the environment variables roster entries name, the first time each is needed. They live in
/// memory only: never in the cache, never in output or logs (and a server's words that echo one are redacted).
public final class APIKeys: Sendable {
    private let environment: [String: String]?
    private let keys = NIOLockedValueBox<[String: String?]>([:])

    /// - Parameter environment: where to read variables (a test's own); `nil` reads the process's.
    public init(environment: [String: String]? = nil) {
        self.environment = environment
    }

    /// The key in `variable`, or `nil` when it is unset or empty.
    public func key(_ variable: String) -> String? {
        keys.withLockedValue { keys in
            if let known = keys[variable] { return known }
            let value = environment.map { $0[variable] } ?? getenv(variable).map { String(cString: $0) }
            let key = value.flatMap { $0.isEmpty ? nil : $0 }
            keys[variable] = key
            return key
        }
    }
}
