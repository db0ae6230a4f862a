import TeamChatJSON
import Testing

@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    @Test("UTF-8 validation agrees with the standard library, wherever the first non-ASCII byte falls")
    func utf8Validation() {
        let tails: [[UInt8]] = [
            [], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80],  // valid: é, €, 😀
            [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF],  // invalid
        ]
        for length in 0...17 {
            for tail in tails {
                for suffix in [[], Array("ok\"}".utf8)] {
                    let bytes = Array(repeating: UInt8(ascii: "a"), count: length) + tail + suffix
                    let expected = String(validating: bytes, as: UTF8.self) != nil
                    #expect(UTF8Validation.isValid(bytes) == expected, "\(bytes)")
                    #expect(UTF8Validation.isValid(bytes.lazy.map { $0 }) == expected, "not contiguous: \(bytes)")
                }
            }
        }
    }
}
