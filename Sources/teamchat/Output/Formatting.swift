import TeamChatCore

/// Number formatting for people.
enum Formatting {
    /// `0.31 ms`, `112 ms`, `2.00 s`.
    static func latency(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        if milliseconds < 10 { return "\(fixed(milliseconds, 2)) ms" }
        if milliseconds < 1_000 { return "\(Int(milliseconds.rounded())) ms" }
        return "\(fixed(milliseconds / 1_000, 2)) s"
    }

    /// `value` with exactly `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
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
