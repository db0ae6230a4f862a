import Foundation
import NIOCore
import TeamChatRedis
import TeamChatRESP
import TeamChatTestSupport
import Testing

@Suite("RESP3 against a real redis-server", .serialized, .timeLimit(.minutes(1)))
struct RedisConnectionTests {
    @Test("HELLO 3, commands pipelined in order, binary-safe strings, error replies as errors")
    func commands() async throws {
        try await RedisServer.with { server in
            let connection = try await RedisConnection.connect(to: server.url())
            #expect(try await connection.send(RESPCommand("PING")) == .simpleString("PONG"))
            let binary: [UInt8] = [0, 13, 10, 255, 36, 42]
            #expect(try await connection.send(RESPCommand([Array("SET".utf8), Array("k".utf8), binary])) == .simpleString("OK"))
            #expect(try await connection.send(RESPCommand("GET", "k")) == .bulkString(binary))
            #expect(try await connection.send(RESPCommand("GET", "missing")) == .null)
            // Many at once, each answered with its own reply.
            try await withThrowingTaskGroup(of: (Int, Int64?).self) { group in
                for index in 0..<50 {
                    group.addTask { (index, try await connection.send(RESPCommand("INCRBY", "counter", String(index))).integer) }
                }
                var total: Int64 = 0
                for try await (_, value) in group { total = max(total, value ?? 0) }
                #expect(total == (0..<50).reduce(0, +))
            }
            let hash = try await connection.send(RESPCommand("HSET", "h", "a", "1"))
            #expect(hash == .integer(1))
            let map = try await connection.send(RESPCommand("HGETALL", "h"))
            #expect(map.pairs?.first?.key.string == "a")  // RESP3 answers HGETALL with a map
            await #expect(throws: RedisError.self) { try await connection.send(RESPCommand("NOSUCHCOMMAND")) }
            #expect(try await connection.send(RESPCommand("PING")) == .simpleString("PONG"))  // still usable
            await connection.close()
        }
    }

    @Test("pub/sub on the same connection as commands: confirmations, then messages as pushes")
    func pubsub() async throws {
        try await RedisServer.with { server in
            let subscriber = try await RedisConnection.connect(to: server.url())
            let publisher = try await RedisConnection.connect(to: server.url())
            let confirmed = try await subscriber.send(RESPCommand("SUBSCRIBE", "a", "b"))
            #expect(confirmed.elements?.count == 2)
            #expect(try await subscriber.send(RESPCommand("PING")) == .simpleString("PONG"))  // RESP3: still commands
            #expect(try await publisher.send(RESPCommand("PUBLISH", "b", "hello")) == .integer(1))
            var pushes = subscriber.pushes.makeAsyncIterator()
            let message = try #require(await pushes.next())
            #expect(message.elements?.map { $0.string ?? "" } == ["message", "b", "hello"])
            await subscriber.close()
            await publisher.close()
            #expect(await pushes.next() == nil)  // the stream ends with the connection
        }
    }

    @Test("AUTH from the URL; a wrong password is a clear connect error; SELECT from ?db=")
    func authAndDatabase() async throws {
        try await RedisServer.with(password: "correct-horse") { server in
            let connection = try await RedisConnection.connect(to: server.url(database: 3))
            #expect(try await connection.send(RESPCommand("SET", "only-in-3", "x")) == .simpleString("OK"))
            let other = try await RedisConnection.connect(to: server.url(database: 0))
            #expect(try await other.send(RESPCommand("EXISTS", "only-in-3")) == .integer(0))
            await connection.close()
            await other.close()
            do {
                _ = try await RedisConnection.connect(to: server.url(password: "wrong"))
                Issue.record("a wrong password connected")
            } catch let error as RedisError {
                #expect(error.isConnectionLost)
                #expect(error.isAuthenticationFailure)
                #expect(error.description.contains("WRONGPASS"))
                #expect(!error.description.contains("wrong\""))
            }
        }
    }

    @Test("a server that stops answering (SIGSTOP) fails the command at its deadline and every one behind it; the connection is closed")
    func serverStalls() async throws {
        try await RedisServer.with { server in
            let connection = try await RedisConnection.connect(to: server.url())
            #expect(try await connection.send(RESPCommand("PING")) == .simpleString("PONG"))
            server.signal(SIGSTOP)
            defer { server.signal(SIGCONT) }
            let started = ContinuousClock.now
            func outcome(_ timeout: Duration) async -> Result<RESPValue, any Error> {
                do { return .success(try await connection.send(RESPCommand("PING"), timeout: timeout)) } catch {
                    return .failure(error)
                }
            }
            async let first = outcome(.milliseconds(200))
            async let second = outcome(.seconds(30))
            let (one, two) = await (first, second)
            let elapsed = started.duration(to: .now)
            for outcome in [one, two] {
                guard case .failure(let error as RedisError) = outcome else {
                    Issue.record("a stalled server answered: \(outcome)")
                    continue
                }
                #expect(error.isTimeout, "\(error)")
            }
            // Ended by the first command's deadline (not the second's, not the server's return): a bound for a
            // broken fix, far above the 200 ms it takes.
            #expect(elapsed < .seconds(10))
            // Closed right after the failure, on the connection's loop.
            #expect(await eventually { !connection.isActive })
        }
    }

    @Test("the server dying mid-command fails the command at once (closed), never hangs; no server is a connect error")
    func serverGone() async throws {
        try await RedisServer.with { server in
            let connection = try await RedisConnection.connect(to: server.url())
            // BLPOP waits for ever on the server's side: the command is in flight when the server dies.
            async let waiting: RESPValue = connection.send(RESPCommand("BLPOP", "nothing", "0"))
            // Wait until the server holds the BLPOP (another client sees it blocked), then kill the server.
            let observer = try await RedisConnection.connect(to: server.url())
            let blocked = try await eventually {
                try await observer.send(RESPCommand("CLIENT", "LIST")).string?.contains("cmd=blpop") == true
            }
            #expect(blocked)
            await server.kill()
            let outcome: Result<RESPValue, RedisError>
            do {
                outcome = .success(try await waiting)
            } catch let error as RedisError {
                outcome = .failure(error)
            }
            #expect(outcome == .failure(.closed))
            #expect(!connection.isActive)
            do {
                _ = try await RedisConnection.connect(to: server.url())
                Issue.record("connected to a dead server")
            } catch let error as RedisError {
                #expect(error.isConnectionLost)
            }
        }
    }
}
