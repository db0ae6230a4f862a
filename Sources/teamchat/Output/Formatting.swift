import TeamChatModel

/// Number formatting for people.
enum Formatting {
    /// `0.31 ms`, `112 ms`, `2.00 s`.
    static func latency(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        if milliseconds < 10 { return "\(fixed(milliseconds, 2)) ms" }
        if milliseconds < 1_000 { return "\(Int(milliseconds.rounded())) ms" }
        return "\(fixed(milliseconds / 1_000, 2)) s"
    }

    /// A latency given in milliseconds (from a report or a recording, so range-checked): `0.31 ms`, `2.00 s`.
    static func millis(_ value: Double) -> String {
        guard let duration = Duration(checkedSeconds: value / 1_000) else { return value.isNaN ? "?" : "∞" }
        return latency(duration)
    }

    /// `value` with exactly `digits` decimals (`∞` for what does not fit: reports may come from files).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return value.isNaN ? "?" : "∞" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = abs(scaled % Int(scale))
        guard digits > 0 else { return "\(whole)" }
        let text = String(fraction)
        let sign = value < 0 && whole == 0 ? "-" : ""
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - text.count))\(text)"
    }

    /// Milliseconds rounded to microseconds, for JSON.
    static func milliseconds(_ duration: Duration) -> Double {
        RoundEventCodec.milliseconds(duration)
    }

    static func padded(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func leftPadded(_ text: String, to width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
