/// The limits of one pool.
public typealias ConnectionPoolConfiguration = ConnectionPoolStateMachine<UptimeClock, ExchangeToken>.Configuration
