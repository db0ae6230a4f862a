import NIOConcurrencyHelpers
import TeamChatModel

/// The request of one round as transports see it: what to ask, the limits the answer must respect, and a place
/// for each transport to keep its encoding, so that a round to 1,000 specialists encodes its request once per
/// transport, not once per specialist.
public final class ExchangeRequest: Sendable {
    public let request: TeamRequest
    public let limits: ExchangeLimits
    /// By key, in the order made: a round has one or two (one per transport kind in the team), so a look along a
    /// short array beats hashing the key, which every specialist of every round asks for.
    @usableFromInline
    let encodings = NIOLockedValueBox<[(key: String, box: any AnyObject & Sendable)]>([])

    public init(_ request: TeamRequest, limits: ExchangeLimits) {
        self.request = request
        self.limits = limits
    }

    /// The value `encode` makes for `key`, made once per request.
    ///
    /// Inlinable so that it is specialized where it is called, once per specialist per round: generic, it looked up
    /// the box's type metadata and copied the value through its witnesses on every call (a percent of a warm round).
    @inlinable
    public func memoized<Value: Sendable>(_ key: String, _ encode: () -> Value) -> Value {
        encodings.withLockedValue { encodings in
            // A comparison of types, where a dynamic cast of an existential was a few percent of a warm round.
            if let box = encodings.first(where: { $0.key == key })?.box, type(of: box) == Box<Value>.self {
                return unsafeDowncast(box, to: Box<Value>.self).value
            }
            let value = encode()
            encodings.removeAll { $0.key == key }
            encodings.append((key, Box(value)))
            return value
        }
    }

    @usableFromInline
    final class Box<Value: Sendable>: Sendable {
        @usableFromInline
        let value: Value

        @usableFromInline
        init(_ value: Value) {
            self.value = value
        }
    }
}
