import Foundation

/// Where a third-party program the tests run is: the path `variable` names, else the first of `names` on `PATH`
/// (then in `/usr/sbin` and `/usr/bin`, where Debian puts servers); nil when it is not installed.
public func installedExecutable(_ names: [String], overriddenBy variable: String) -> String? {
    let environment = ProcessInfo.processInfo.environment
    if let named = environment[variable], !named.isEmpty { return named }
    for directory in (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin"] {
        for name in names {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
    }
    return nil
}
