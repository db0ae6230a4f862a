import NIOConcurrencyHelpers

/// The request of one round as transports see it: what to ask, the limits the answer must respect, and a place
/// for each transport to keep its encoding, so that a round to 1,000 specialists encodes its request once per
/// transport, not once per specialist.
public final class ExchangeRequest: Sendable {
    public let request: TeamRequest
    public let limits: ExchangeLimits
    private let encodings = NIOLockedValueBox<[String: any Sendable]>([:])

    public init(_ request: TeamRequest, limits: ExchangeLimits) {
        self.request = request
        self.limits = limits
    }

    /// The value `encode` makes for `key`, made once per request.
    public func memoized<Value: Sendable>(_ key: String, _ encode: () -> Value) -> Value {
        encodings.withLockedValue { encodings in
            if let value = encodings[key] as? Value { return value }
            let value = encode()
            encodings[key] = value
            return value
        }
    }
}
