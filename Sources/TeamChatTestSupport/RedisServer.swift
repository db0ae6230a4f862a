import Foundation
import TeamChatRedis

/// A real `redis-server` for a test, on a Unix socket of its own, nothing saved to disk; stopped with SIGKILL (a
/// test child inherits the runner's blocked SIGTERM). `make test` installs Debian's redis-server when missing;
/// `TEAMCHAT_REDIS_SERVER` names another binary.
public final class RedisServer: Sendable {
    public let process: ChildProcess
    public let directory: URL
    public let socket: String
    public let password: String?

    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    private init(process: ChildProcess, directory: URL, socket: String, password: String?) {
        self.process = process
        self.directory = directory
        self.socket = socket
        self.password = password
    }

    public static func executable() -> String? {
        installedExecutable(["redis-server"], overriddenBy: "TEAMCHAT_REDIS_SERVER")
    }

    /// The URL of this server for `team`.
    public func url(team: String = "test", database: Int = 0, password: String? = nil) -> RedisURL {
        RedisURL(endpoint: .unix(path: socket), team: team, password: password ?? self.password, database: database)
    }

    /// Runs `body` with a fresh server, then stops it.
    public static func with<Value: Sendable>(
        password: String? = nil, _ body: (RedisServer) async throws -> Value
    ) async throws -> Value {
        let server = try await start(password: password)
        do {
            let value = try await body(server)
            await server.kill()
            server.stop()
            return value
        } catch {
            await server.kill()
            server.stop()
            throw error
        }
    }

    public static func start(password: String? = nil, directory existing: URL? = nil) async throws -> RedisServer {
        guard let path = executable() else {
            throw Missing(description: "redis-server is not installed (`make test` installs Debian's redis-server)")
        }
        let directory = existing ?? FileManager.default.temporaryDirectory.appendingPathComponent("tcr-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("redis.sock").path
        var arguments = [
            "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--daemonize", "no", "--loglevel", "warning",
        ]
        if let password { arguments += ["--requirepass", password] }
        let process = try ChildProcess.launch(path, arguments, output: .discarded, error: .discarded)
        let server = RedisServer(process: process, directory: directory, socket: socket, password: password)
        // Ready when it answers (a bound for a broken install, not a timing assumption).
        let giveUp = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < giveUp, process.isRunning {
            if let connection = try? await RedisConnection.connect(to: server.url()) {
                await connection.close()
                return server
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        server.stop()
        throw Missing(description: "redis-server did not start")
    }

    /// Kills the server at once, and returns once it is gone (the socket file stays until the next start removes
    /// it).
    public func kill() async {
        await process.kill()
    }

    /// Sends `signal` (SIGSTOP freezes the server with its connections open: a server that stalls).
    public func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Kills it (without waiting for its end) and removes its directory: for `defer`.
    public func stop() {
        process.signal(SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }
}
