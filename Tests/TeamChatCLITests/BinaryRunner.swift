import Foundation
import TeamChatSession
import TeamChatFleet

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

    /// Runs to completion with `input` on standard input.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "TEAMCHAT_ROSTER")
        env.removeValue(forKey: "TEAMCHAT_SCAN")
        // Never touch the user's cache: each run gets its own, removed afterwards, unless the test names one.
        let ownCache = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-test-\(UUID())")
        defer { try? FileManager.default.removeItem(at: ownCache) }
        env["TEAMCHAT_CACHE"] = ownCache.appendingPathComponent("specialists.json").path
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a full pipe can never block the child.
        let errData = ErrorCollector(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.wait(), as: UTF8.self)
        )
    }

    /// Writes a roster file for `fleet` and returns its path.
    static func rosterFile(for fleet: Fleet) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-roster-\(UUID()).json")
        try RosterFile.encode(fleet.specialists).write(to: url)
        return url.path
    }
}

/// Drains a pipe on a background thread.
final class ErrorCollector: @unchecked Sendable {
    // Safe: `data` is written once by the reading thread before the semaphore is signalled, and read only after
    // waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
