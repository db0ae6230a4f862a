import Foundation
import TeamChatRedis
import TeamChatRESP
import TeamChatTestSupport
import Testing

@Suite("A Redis client that comes back", .serialized, .timeLimit(.minutes(1)))
struct RedisClientTests {
    @Test("backoff doubles to its ceiling, with up to half of each delay as jitter")
    func backoff() {
        let backoff = ReconnectBackoff(initial: .milliseconds(50), maximum: .seconds(2))
        #expect(backoff.delay(attempt: 0, random: 0) == .milliseconds(50))
        #expect(backoff.delay(attempt: 1, random: 0) == .milliseconds(100))
        #expect(backoff.delay(attempt: 3, random: 0) == .milliseconds(400))
        #expect(backoff.delay(attempt: 10, random: 0) == .seconds(2))
        #expect(backoff.delay(attempt: 1_000, random: 0) == .seconds(2))
        #expect(backoff.delay(attempt: 1, random: 1) == .milliseconds(50))
        #expect(backoff.delay(attempt: 0, random: 0.5) == .microseconds(37_500))
    }

    @Test("redis-server restarted: the client reconnects with backoff, subscribes again, and the next command works")
    func restart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcr-\(UUID().uuidString.prefix(8))")
        var server = try await RedisServer.start(directory: directory)
        defer { server.stop() }
        let client = RedisClient(url: server.url(), name: "restart-test", backoff: ReconnectBackoff(initial: .milliseconds(10)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            #expect(try await client.send(RESPCommand("PING"), timeout: .seconds(10)) == .simpleString("PONG"))
            try await client.subscribe(["news"], timeout: .seconds(10))
            var messages = client.messages.makeAsyncIterator()
            let publisher = try await RedisConnection.connect(to: server.url())
            #expect(try await publisher.send(RESPCommand("PUBLISH", "news", "one")) == .integer(1))
            #expect(await messages.next() == RedisClient.Message(channel: "news", payload: Array("one".utf8)))
            await publisher.close()

            await server.kill()
            // Not connected: a command waits for the connection, and fails plainly at its timeout.
            await #expect(throws: RedisError.self) {
                try await client.send(RESPCommand("PING"), timeout: .milliseconds(100))
            }
            server = try await RedisServer.start(directory: directory)
            #expect(try await client.send(RESPCommand("PING"), timeout: .seconds(10)) == .simpleString("PONG"))
            #expect(client.connectionsMade >= 2)
            // Subscribed again by itself.
            let again = try await RedisConnection.connect(to: server.url())
            var receivers: Int64 = 0
            _ = try await eventually {
                receivers = try await again.send(RESPCommand("PUBLISH", "news", "two")).integer ?? 0
                return receivers > 0
            }
            #expect(receivers == 1)
            #expect(await messages.next() == RedisClient.Message(channel: "news", payload: Array("two".utf8)))
            await again.close()
            group.cancelAll()
        }
    }
}
