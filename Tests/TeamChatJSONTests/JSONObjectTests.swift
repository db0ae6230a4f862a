import Foundation
import TeamChatJSON
import Testing

@Suite("JSON object reader and writer")
struct JSONObjectTests {
    func members(_ text: String) throws(JSONObjectReader.Failure) -> [(key: String, value: JSONObjectReader.Value)] {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.members(of: raw) }
        }
        return try result.get()
    }

    @Test("reads members of every type, nested ones too, handles escapes and surrogates")
    func reads() throws {
        let parsed = try members(
            #" { "s" : "a\"b\\c\/d\n\t\u00e9\ud83d\ude00" , "n": -12.5e2, "i": 7, "t": true, "f": false, "z": null, "o": {"x": [1, {"y": []}]}, "a": [] } "#)
        #expect(parsed.map(\.key) == ["s", "n", "i", "t", "f", "z", "o", "a"])
        #expect(parsed[0].value == .string("a\"b\\c/d\n\té😀"))
        #expect(parsed[1].value == .number(-1250))
        #expect(parsed[2].value.integer == 7)
        #expect(parsed[3].value == .bool(true))
        #expect(parsed[4].value == .bool(false))
        #expect(parsed[5].value == .null)
        #expect(parsed[6].value == .object(["x": .array([.number(1), .object(["y": .array([])])])]))
        #expect(parsed[7].value == .array([]))
        #expect(try members("{}").isEmpty)
    }

    @Test("numbers read exactly as the C library reads them, those it reads itself and those it hands over")
    func numbersAgreeWithStrtod() throws {
        var texts = [
            "0", "-0", "0.5", "-0.5", "10.25", "123.497", "999999999999999", "0.000000000000001", "1234567890.12345",
            "9007199254740993", "1795663817.4179115", "0.1", "0.3", "2.675", "1e3", "-12.5E-2", "5e-324", "1.7976931348623157e308",
            "0.100000000000000005551", "123456789012345678901234567890",
        ]
        // Deterministic pseudo-random decimals of 1 to 18 digits, split anywhere by a point.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let digits = String(state >> 4).prefix(Int(state % 18) + 1)
            let point = Int((state >> 32) % UInt64(digits.count + 1))
            var text = point == 0 || point == digits.count ? String(digits) : digits.prefix(point) + "." + digits.dropFirst(point)
            if text.hasPrefix("0"), text.count > 1, !text.hasPrefix("0.") { text = "1" + text }
            texts.append(state & 1 == 0 ? text : "-" + text)
        }
        for text in texts {
            let parsed = try members(#"{"n":\#(text)}"#)
            let expected = try #require(Double(text))
            #expect(parsed[0].value.number?.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test("JSON that is not an object is told apart from what is not JSON")
    func notAnObject() {
        for text in ["[1,2]", "\"x\"", "42", "true", "null"] {
            #expect(throws: JSONObjectReader.Failure.notAnObject) { try members(text) }
        }
    }

    @Test(
        "malformed input is refused",
        arguments: [
            "", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
            "{\"a\":tru}", "{\"a\":\"x}", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00x\"}", "{\"a\":\"\u{01}\"}", "{\"a\":1} x", "{\"a\":[1,]}", "{\"a\":1 \"b\":2}",
        ]
    )
    func malformed(_ text: String) {
        do {
            _ = try members(text)
            Issue.record("accepted \(text)")
        } catch {
            guard case .malformed = error else {
                Issue.record("\(text): \(error)")
                return
            }
        }
    }

    @Test("nesting is bounded")
    func depth() {
        let deep = "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(throws: JSONObjectReader.Failure.self) { try members(deep) }
        let fine = "{\"a\":" + String(repeating: "[", count: 20) + String(repeating: "]", count: 20) + "}"
        #expect((try? members(fine)) != nil)
    }

    @Test("agrees with Foundation on random objects, and the writer round-trips through both")
    func differential() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{202E}", "\u{FFFD}"]
        func randomString() -> String {
            (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
        }
        for _ in 0..<300 {
            var writer = JSONObjectWriter()
            var expected: [String: Any] = [:]
            for index in 0..<Int.random(in: 0...6, using: &generator) {
                let key = "k\(index)" + randomString()
                switch Int.random(in: 0...3, using: &generator) {
                case 0:
                    let value = randomString()
                    writer.add(key, value)
                    expected[key] = value
                case 1:
                    let value = Int.random(in: -1_000_000...1_000_000, using: &generator)
                    writer.add(key, value)
                    expected[key] = Double(value)
                case 2:
                    let value = Double.random(in: -1e6...1e6, using: &generator)
                    writer.add(key, value)
                    expected[key] = value
                default:
                    let value = Bool.random(using: &generator)
                    writer.add(key, value)
                    expected[key] = value
                }
            }
            let bytes = writer.utf8()
            let foundation = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(foundation.count == expected.count)
            let ours = try bytes.withUnsafeBytes { raw in try JSONObjectReader.members(of: raw) }
            #expect(ours.count == expected.count)
            for (key, value) in ours {
                switch value {
                case .string(let text):
                    #expect(text == expected[key] as? String)
                    #expect(text == foundation[key] as? String)
                case .number(let number):
                    // Exact round trip. (corelibs' JSONSerialization parses some doubles a unit off in the last
                    // place, so it is only asked whether the member exists.)
                    #expect(number == expected[key] as? Double)
                    #expect(foundation[key] is NSNumber)
                case .bool(let flag):
                    #expect(flag == expected[key] as? Bool)
                default:
                    Issue.record("unexpected \(value) for \(key)")
                }
            }
        }
    }
}
