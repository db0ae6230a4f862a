import Foundation
import TeamChatRoster
import TeamChatFleet
import TeamChatTestSupport

/// Runs the built `teamchat` binary (next to the test bundle) and captures what it prints.
struct BinaryRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        var lines: [String] { stdout.split(separator: "\n").map(String.init) }

        /// Every stdout line decoded as a JSON object.
        func jsonObjects() throws -> [[String: Any]] {
            try lines.map { line in
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw CocoaError(.coderReadCorrupt)
                }
                return object
            }
        }
    }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("teamchat")
    }

    /// Runs to completion with `input` on standard input. Awaited, never waited for on a thread: the process's end
    /// and its output come from ``ChildProcess``.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws
        -> Result
    {
        let (child, cache) = try launch(arguments, input: input, environment: environment)
        defer { try? FileManager.default.removeItem(at: cache) }
        // Both pipes are read to their end by threads of their own, so a full pipe can never block the child.
        let stdout = await child.output()
        let stderr = await child.errorOutput()
        return Result(status: await child.status(), stdout: stdout, stderr: stderr)
    }

    /// Starts the binary with the tests' environment (no colour, no roster from the environment, a cache and a round log of its
    /// own unless the test names one); the caller removes the returned cache directory.
    static func launch(
        _ arguments: [String], input: String? = nil, keepInputOpen: Bool = false, environment: [String: String] = [:],
        output: ChildProcess.Stream = .collected, error: ChildProcess.Stream = .collected
    ) throws -> (ChildProcess, cacheDirectory: URL) {
        // Never touch the user's cache: each run gets its own, removed afterwards, unless the test names one.
        let ownCache = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-test-\(UUID())")
        var overrides: [String: String?] = [
            "NO_COLOR": "1", "TEAMCHAT_ROSTER": nil, "TEAMCHAT_SCAN": nil,
            "TEAMCHAT_CACHE": ownCache.appendingPathComponent("specialists.json").path,
            // Nor the user's round log: each run keeps its own, unless the test names one.
            "TEAMCHAT_LOG": ownCache.appendingPathComponent("log.db").path,
        ]
        for (key, value) in environment { overrides[key] = value }
        let child = try ChildProcess.launch(
            binary.path, arguments, environment: overrides, input: input, keepInputOpen: keepInputOpen,
            output: output, error: error)
        return (child, ownCache)
    }

    /// Writes a roster file for `fleet` and returns its path.
    static func rosterFile(for fleet: Fleet) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-roster-\(UUID()).json")
        try RosterFile.encode(fleet.specialists).write(to: url)
        return url.path
    }
}
