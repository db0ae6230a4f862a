/// Comparing a presented token with the gateway's without leaking, through timing, how much of it was right.
enum BearerToken {
    /// Whether `presented` equals `expected`, in time that depends only on their lengths.
    static func equal(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(presented.count == expected.count ? 0 : 1)
        // Always walk the expected token's length, whatever was presented.
        for index in expected.indices {
            let byte = index < presented.count ? presented[index] : 0
            difference |= byte ^ expected[index]
        }
        return difference == 0
    }
}
