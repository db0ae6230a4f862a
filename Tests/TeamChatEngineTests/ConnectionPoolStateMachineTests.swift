@testable import TeamChatEngine
import TeamChatModel
import TeamChatTestSupport
import Testing

@Suite("Connection pool state machine")
struct ConnectionPoolStateMachineTests {
    typealias Machine = ConnectionPoolStateMachine<MockClock, Int>

    let clock = MockClock()

    func machine(maximum: Int = 2, idleTimeout: Duration = .seconds(60)) -> Machine {
        Machine(configuration: .init(maximumConnections: maximum, idleTimeout: idleTimeout), clock: clock)
    }

    var soon: MockClock.Instant { clock.now.advanced(by: .seconds(1)) }

    @Test("the first lease opens a connection and waits for it")
    func firstLeaseCreates() {
        var pool = machine()
        let deadline = soon
        #expect(pool.leaseConnection(1, deadline: deadline) == .init(request: .scheduleTimeout(1, deadline: deadline), create: [.init(0, for: 1)]))
        #expect(pool.connectionEstablished(0) == .init(request: .lease(0, to: 1, reused: false)))
        #expect(pool.connectionCount == 1)
        #expect(pool.waiterCount == 0)
    }

    @Test("a released connection is idle and leased again, marked reused")
    func idleReuse() {
        var pool = machine()
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.connectionEstablished(0)
        // The first idle connection arms the idle sweep.
        #expect(pool.releaseConnection(0, reusable: true) == .init(sweepAt: clock.now.advanced(by: .seconds(60))))
        #expect(pool.idleCount == 1)
        #expect(pool.leaseConnection(2, deadline: soon) == .init(request: .lease(0, to: 2, reused: true)))
        #expect(pool.releaseConnection(0, reusable: true) == .none)  // the sweep is already armed
        #expect(pool.connectionCount == 1)
    }

    @Test("a connection established with nobody waiting is idle, and its first lease is not 'reused'")
    func establishedWithoutWaiter() {
        var pool = machine()
        _ = pool.leaseConnection(1, deadline: soon)
        #expect(pool.timeoutRequest(1) == .init(request: .fail(1, .leaseTimeout)))
        #expect(pool.connectionEstablished(0) == .init(sweepAt: clock.now.advanced(by: .seconds(60))))
        #expect(pool.leaseConnection(2, deadline: soon) == .init(request: .lease(0, to: 2, reused: false)))
    }

    @Test("never more connections than the limit; extra requests wait in order")
    func limit() {
        var pool = machine(maximum: 2)
        #expect(pool.leaseConnection(1, deadline: soon).create == [.init(0, for: 1)])
        #expect(pool.leaseConnection(2, deadline: soon).create == [.init(1, for: 2)])
        #expect(pool.leaseConnection(3, deadline: soon).create == [])
        #expect(pool.connectionCount == 2)
        #expect(pool.waiterCount == 3)
        #expect(pool.connectionEstablished(0).request == .lease(0, to: 1, reused: false))
        #expect(pool.connectionEstablished(1).request == .lease(1, to: 2, reused: false))
        #expect(pool.releaseConnection(0, reusable: true).request == .lease(0, to: 3, reused: true))
    }

    @Test("a waiter whose deadline passes fails; a lease past its deadline fails at once")
    func waiterDeadlines() {
        var pool = machine(maximum: 1)
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.leaseConnection(2, deadline: soon)
        #expect(pool.timeoutRequest(2) == .init(request: .fail(2, .leaseTimeout)))
        #expect(pool.timeoutRequest(2) == .none)  // already gone
        #expect(pool.leaseConnection(3, deadline: clock.now) == .init(request: .fail(3, .leaseTimeout)))
        #expect(pool.releaseConnection(0, reusable: true).request == .none)
        #expect(pool.idleCount == 1)
    }

    @Test("a cancelled waiter fails with cancelled and is never served")
    func cancel() {
        var pool = machine()
        _ = pool.leaseConnection(1, deadline: soon)
        #expect(pool.cancelRequest(1) == .init(request: .fail(1, .cancelled)))
        #expect(pool.connectionEstablished(0).request == .none)
        #expect(pool.idleCount == 1)
    }

    @Test("an abandoned connection is closed on release, never reused, and a waiter gets a new one")
    func closeOnAbandon() {
        var pool = machine(maximum: 1)
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.leaseConnection(2, deadline: soon)
        #expect(pool.releaseConnection(0, reusable: false) == .init(close: [0], create: [.init(1, for: 2)]))
        #expect(pool.connectionEstablished(1).request == .lease(1, to: 2, reused: false))
    }

    @Test("a connect failure fails the request the connection was opened for, at once")
    func connectFailure() {
        var pool = machine(maximum: 1)
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.leaseConnection(2, deadline: soon)
        let refused = ExchangeError(.refused, "connection refused")
        // Request 2 still waits and gets its own attempt.
        #expect(pool.connectionFailed(0, error: refused) == .init(request: .fail(1, .connectFailed(refused)), create: [.init(1, for: 2)]))
        #expect(pool.connectionFailed(1, error: refused) == .init(request: .fail(2, .connectFailed(refused))))
        #expect(pool.connectionCount == 0)
    }

    @Test("a connect failure for a request that has gone fails nobody: the next waiter gets an attempt of its own")
    func connectFailureForGoneRequest() {
        var pool = machine(maximum: 2)
        let timedOut = ExchangeError(.timeout, "connect timeout after 0.0s")
        // Opened for request 1 (with what was left of its round), which is then cancelled; request 2 comes while
        // that connect still runs, and is counted against it.
        #expect(pool.leaseConnection(1, deadline: soon).create == [.init(0, for: 1)])
        #expect(pool.cancelRequest(1) == .init(request: .fail(1, .cancelled)))
        #expect(pool.leaseConnection(2, deadline: soon).create == [])
        #expect(pool.connectionFailed(0, error: timedOut) == .init(create: [.init(1, for: 2)]))
        #expect(pool.waiterCount == 1)
        #expect(pool.connectionEstablished(1).request == .lease(1, to: 2, reused: false))
    }

    @Test("a connection opened for one request may serve an older one; a failure then falls on nobody")
    func connectFailureAfterServedElsewhere() {
        var pool = machine(maximum: 2)
        _ = pool.leaseConnection(1, deadline: soon)  // opens 0 for 1
        _ = pool.leaseConnection(2, deadline: soon)  // opens 1 for 2
        #expect(pool.connectionEstablished(1).request == .lease(1, to: 1, reused: false))  // the oldest is served
        let refused = ExchangeError(.refused, "connection refused")
        // Connection 0 was opened for request 1, served already: request 2 is not failed, and gets its own attempt.
        #expect(pool.connectionFailed(0, error: refused) == .init(create: [.init(2, for: 2)]))
        #expect(pool.connectionFailed(2, error: refused) == .init(request: .fail(2, .connectFailed(refused))))
    }

    @Test("an idle connection closed by its peer is dropped before anyone leases it")
    func peerClosedIdle() {
        var pool = machine()
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.releaseConnection(0, reusable: true)
        #expect(pool.connectionClosed(0) == .none)
        #expect(pool.leaseConnection(2, deadline: soon).create == [.init(1, for: 2)])
    }

    @Test("an idle connection that receives bytes is closed and never leased")
    func unsolicitedBytes() {
        var pool = machine()
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.releaseConnection(0, reusable: true)
        #expect(pool.connectionReceivedUnsolicitedBytes(0) == .init(close: [0]))
        #expect(pool.idleCount == 0)
        #expect(pool.leaseConnection(2, deadline: soon).request == .scheduleTimeout(2, deadline: soon))
    }

    @Test("a leased connection closed by its peer frees its slot for waiters")
    func leasedClosed() {
        var pool = machine(maximum: 1)
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.leaseConnection(2, deadline: soon)
        #expect(pool.connectionClosed(0) == .init(create: [.init(1, for: 2)]))
        #expect(pool.releaseConnection(0, reusable: true) == .none)  // already gone: nothing to do
    }

    @Test("an idle connection past the idle timeout is closed instead of leased")
    func idleTimeout() {
        var pool = machine(idleTimeout: .seconds(10))
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.releaseConnection(0, reusable: true)
        clock.advance(by: .seconds(11))
        #expect(pool.leaseConnection(2, deadline: soon) == .init(request: .scheduleTimeout(2, deadline: soon), close: [0], create: [.init(1, for: 2)]))
    }

    @Test("the most recently released connection is leased first")
    func lifo() {
        var pool = machine(maximum: 2)
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.leaseConnection(2, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.connectionEstablished(1)
        _ = pool.releaseConnection(0, reusable: true)
        _ = pool.releaseConnection(1, reusable: true)
        #expect(pool.leaseConnection(3, deadline: soon).request == .lease(1, to: 3, reused: true))
    }

    @Test("a lease at once takes the freshest idle connection, and declines (changing nothing) when it would wait or fail")
    func leaseAtOnce() {
        var pool = machine(maximum: 2, idleTimeout: .seconds(10))
        #expect(pool.leaseIdleConnection(deadline: soon) == nil)  // nothing open: the request must wait for a connect
        #expect(pool.connectionCount == 0)
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.leaseConnection(2, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.connectionEstablished(1)
        #expect(pool.leaseIdleConnection(deadline: soon) == nil)  // both leased
        _ = pool.releaseConnection(0, reusable: true)
        _ = pool.releaseConnection(1, reusable: true)
        #expect(pool.leaseIdleConnection(deadline: clock.now) == nil)  // its deadline is already here: it fails
        #expect(pool.idleCount == 2)
        #expect(pool.leaseIdleConnection(deadline: soon).map { [$0.connection: $0.reused] } == [1: true])
        #expect(pool.idleCount == 1)
        #expect(pool.leasedCount == 1)
        clock.advance(by: .seconds(11))
        // Connection 0 is past the idle timeout: declined, and left for the waiting path to close.
        #expect(pool.leaseIdleConnection(deadline: soon) == nil)
        #expect(pool.idleCount == 1)
        #expect(pool.leaseConnection(3, deadline: soon).close == [0])
        _ = pool.releaseConnection(1, reusable: true)
        _ = pool.shutdown()
        #expect(pool.leaseIdleConnection(deadline: soon) == nil)
    }

    @Test("shutdown fails waiters, closes idle connections, and closes the rest as they come back")
    func shutdown() {
        var pool = machine(maximum: 3)
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.leaseConnection(2, deadline: soon)
        _ = pool.connectionEstablished(0)  // leased by 1
        _ = pool.leaseConnection(3, deadline: soon)
        _ = pool.connectionEstablished(1)  // leased by 2
        _ = pool.releaseConnection(1, reusable: true)  // goes to 3
        _ = pool.releaseConnection(0, reusable: true)  // idle
        _ = pool.leaseConnection(4, deadline: soon)  // gets 0
        _ = pool.leaseConnection(5, deadline: soon)  // waits, connection 2 connecting
        #expect(pool.shutdown() == .init(request: .failAll([5], .shutDown)))
        #expect(pool.connectionEstablished(2) == .init(close: [2]))
        #expect(pool.releaseConnection(1, reusable: true) == .init(close: [1]))
        #expect(pool.leaseConnection(6, deadline: soon) == .init(request: .fail(6, .shutDown)))
    }

    @Test("the idle sweep closes connections past the idle timeout and re-arms while others remain")
    func sweep() {
        var pool = machine(idleTimeout: .seconds(10))
        _ = pool.leaseConnection(1, deadline: soon)
        _ = pool.leaseConnection(2, deadline: soon)
        _ = pool.connectionEstablished(0)
        _ = pool.connectionEstablished(1)
        _ = pool.releaseConnection(0, reusable: true)
        clock.advance(by: .seconds(4))
        _ = pool.releaseConnection(1, reusable: true)
        clock.advance(by: .seconds(6))
        #expect(pool.sweepIdle() == .init(close: [0], sweepAt: clock.now.advanced(by: .seconds(4))))
        clock.advance(by: .seconds(4))
        #expect(pool.sweepIdle() == .init(close: [1]))
        #expect(pool.connectionCount == 0)
    }

    @Test("prewarm opens connections up to the count (and the limit), idle and never 'reused' on first lease")
    func prewarm() {
        var pool = machine(maximum: 3)
        #expect(pool.prewarm(2) == .init(create: [.init(0, for: nil), .init(1, for: nil)]))
        #expect(pool.prewarm(2) == .none)
        #expect(pool.prewarm(9) == .init(create: [.init(2, for: nil)]))
        _ = pool.connectionEstablished(0)
        #expect(pool.leaseConnection(1, deadline: soon).request == .lease(0, to: 1, reused: false))
    }
}
