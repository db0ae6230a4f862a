import Logging
import NIOConcurrencyHelpers
import NIOCore
import TeamChatRESP

/// A connection to Redis that comes back: ``run()`` connects, and when the connection is lost (a restart, a network
/// cut) reconnects with ``ReconnectBackoff`` and subscribes again to every channel it was asked for. Commands wait
/// for a connection (up to their timeout); one in flight when the connection is lost fails with
/// ``RedisError/closed`` — it is never sent twice. Pub/sub messages from every connection arrive on ``messages``.
public final class RedisClient: Sendable {
    /// A pub/sub message.
    public struct Message: Sendable, Hashable {
        public var channel: String
        public var payload: [UInt8]

        public init(channel: String, payload: [UInt8]) {
            self.channel = channel
            self.payload = payload
        }
    }

    private struct State {
        var connection: RedisConnection?
        var waiters: [Int: CheckedContinuation<RedisConnection, any Error>] = [:]
        var cancelledWaiters: Set<Int> = []
        var nextWaiter = 0
        var subscriptions: Set<String> = []
        var connections = 0
        /// Why the last connection attempt failed: what a command that found no connection says.
        var lastConnectError: RedisError?
    }

    public let url: RedisURL
    private let name: String?
    private let backoff: ReconnectBackoff
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    /// Messages on the subscribed channels, across reconnections; ends when ``run()`` ends.
    public let messages: AsyncStream<Message>
    private let deliver: AsyncStream<Message>.Continuation

    /// - Parameter channels: subscribed on every connection, from the first (more with ``subscribe(_:timeout:)``).
    /// - Parameter logger: hears connections made and lost (the URL is logged without its password).
    public init(
        url: RedisURL, name: String? = nil, backoff: ReconnectBackoff = ReconnectBackoff(), channels: [String] = [],
        logger: Logger = Logger(label: "teamchat.redis")
    ) {
        self.url = url
        self.name = name
        self.backoff = backoff
        self.logger = logger
        state.withLockedValue { $0.subscriptions = Set(channels) }
        (messages, deliver) = AsyncStream.makeStream(of: Message.self)
    }

    /// How many connections ``run()`` has made so far (for reports and tests).
    public var connectionsMade: Int { state.withLockedValue { $0.connections } }

    /// Keeps a connection until cancelled.
    public func run() async {
        var attempt = 0
        while !Task.isCancelled {
            let connected: RedisConnection?
            do {
                connected = try await RedisConnection.connect(to: url, name: name)
            } catch {
                connected = nil
                // Said once per outage, not at every retry.
                if attempt == 0 { logger.warning("cannot connect to the bus", metadata: ["bus": "\(url)", "error": "\(error)"]) }
                connectFailed(error as? RedisError ?? RedisError.connect("\(error)"))
            }
            if let connection = connected {
                attempt = 0
                logger.info("connected to the bus", metadata: ["bus": "\(url)", "connection": "\(name ?? "-")"])
                let channels = state.withLockedValue { Array($0.subscriptions).sorted() }
                var subscribed = true
                if !channels.isEmpty {
                    subscribed = (try? await connection.send(RESPCommand(strings: ["SUBSCRIBE"] + channels))) != nil
                }
                if subscribed {
                    install(connection)
                    for await push in connection.pushes { forward(push) }
                    uninstall(connection)
                }
                await connection.close()
                if !Task.isCancelled {
                    logger.warning("lost the bus; reconnecting", metadata: ["bus": "\(url)", "connection": "\(name ?? "-")"])
                }
            }
            guard !Task.isCancelled else { break }
            try? await Task.sleep(for: backoff.delay(attempt: attempt, random: Double.random(in: 0..<1)))
            attempt += 1
        }
        let (connection, waiters) = state.withLockedValue { state in
            defer {
                state.connection = nil
                state.waiters = [:]
            }
            return (state.connection, Array(state.waiters.values))
        }
        for waiter in waiters { waiter.resume(throwing: RedisError.closed) }
        await connection?.close()
        deliver.finish()
    }

    /// Sends `command` on the current connection and returns its reply, all within `timeout`: the wait for a
    /// connection and the wait for the reply together.
    @discardableResult
    public func send(_ command: RESPCommand, timeout: Duration = .seconds(2)) async throws -> RESPValue {
        let deadline = ContinuousClock.now + timeout
        let connection = try await connection(timeout: timeout)
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { throw RedisError.timeout("no connection and reply within \(timeout)") }
        return try await connection.send(command, timeout: left)
    }

    /// Subscribes to `channels`, now if connected and again after every reconnection.
    public func subscribe(_ channels: [String], timeout: Duration = .seconds(2)) async throws {
        let new = state.withLockedValue { state in
            let new = channels.filter { !state.subscriptions.contains($0) }
            state.subscriptions.formUnion(new)
            return new
        }
        guard !new.isEmpty else { return }
        try await send(RESPCommand(strings: ["SUBSCRIBE"] + new), timeout: timeout)
    }

    private func forward(_ push: RESPValue) {
        guard let elements = push.elements, elements.count == 3, elements[0].string == "message",
            let channel = elements[1].string, case .bulkString(let payload?) = elements[2]
        else { return }
        deliver.yield(Message(channel: channel, payload: payload))
    }

    /// A connection attempt failed. Commands waiting for a connection fail at once when waiting cannot help: the
    /// server refused our credentials, or this client never reached it (no server there, a wrong address). After a
    /// connection was lost they wait on (a restart comes back), each within its own timeout.
    private func connectFailed(_ error: RedisError) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<RedisConnection, any Error>] in
            state.lastConnectError = error
            guard error.isAuthenticationFailure || state.connections == 0 else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    private func install(_ connection: RedisConnection) {
        let waiters = state.withLockedValue { state in
            state.connection = connection
            state.lastConnectError = nil
            state.connections += 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: connection) }
    }

    private func uninstall(_ connection: RedisConnection) {
        state.withLockedValue { state in
            if state.connection === connection { state.connection = nil }
        }
    }

    private func connection(timeout: Duration) async throws -> RedisConnection {
        if let current = state.withLockedValue({ $0.connection }), current.isActive { return current }
        let url = self.url
        return try await withThrowingTaskGroup(of: RedisConnection.self) { group in
            group.addTask { try await self.waitForConnection() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw self.state.withLockedValue { $0.lastConnectError }
                    ?? RedisError.connect("no connection to \(url) within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw RedisError.closed }
            return first
        }
    }

    private func waitForConnection() async throws -> RedisConnection {
        let id = state.withLockedValue { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLockedValue { state -> Result<RedisConnection, any Error>? in
                    if state.cancelledWaiters.remove(id) != nil { return .failure(CancellationError()) }
                    if let connection = state.connection, connection.isActive { return .success(connection) }
                    // Waiting cannot help (see `connectFailed`): say why at once.
                    if let error = state.lastConnectError, error.isAuthenticationFailure || state.connections == 0 {
                        return .failure(error)
                    }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.cancelledWaiters.insert(id)  // not registered yet: it will see this
                    return nil as CheckedContinuation<RedisConnection, any Error>?
                }
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
