extension Duration {
    /// Seconds with one decimal, as people read timeouts: `2.0s`, `0.5s`.
    public var secondsText: String {
        let tenths = (seconds * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "\(seconds)s" }
        let whole = Int64(tenths)
        return "\(whole / 10).\(abs(whole % 10))s"
    }

    /// Milliseconds as a `Double`, for reports and JSON.
    public var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }

    /// Seconds as a `Double`.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// A duration of `seconds`, or `nil` when that is not finite or out of range: every number from a file or a
    /// peer goes through here, so that no conversion can trap.
    public init?(checkedSeconds seconds: Double) {
        guard seconds.isFinite, abs(seconds) < 9e9 else { return nil }
        self = .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
