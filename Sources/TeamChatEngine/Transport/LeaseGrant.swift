/// A lease request answered with a lease.
public struct LeaseGrant: Sendable {
    public var token: ExchangeToken
    public var lease: any ExchangeLease

    public init(token: ExchangeToken, lease: any ExchangeLease) {
        self.token = token
        self.lease = lease
    }
}
