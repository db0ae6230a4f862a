extension Duration {
    /// Parses the durations teamchat's flags accept: `2` and `2s` (seconds), `500ms`, `1.5s`, `250us`, `1m`.
    /// Returns `nil` for anything else, negative values included.
    public init?(parsing text: String) {
        let text = text.lowercased()
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ms", 1e6), ("us", 1e3), ("µs", 1e3), ("ns", 1), ("s", 1e9), ("m", 60e9),
        ]
        var number = Substring(text)
        var scale = 1e9
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.nanoseconds
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number), value.isFinite
        else { return nil }
        let nanoseconds = (value * scale).rounded()
        guard nanoseconds < Double(Int64.max) else { return nil }
        self = .nanoseconds(Int64(nanoseconds))
    }
}
