import NIOCore
import NIOTestUtils
import TeamChatRedis
import TeamChatRESP
import Testing

@Suite("RESP3: decoding and encoding", .timeLimit(.minutes(1)))
struct RESPDecoderTests {
    static func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("every type, whichever way the bytes are split (NIOTestUtils' verifier)")
    func everySplit() throws {
        let pairs: [(ByteBuffer, [RESPValue])] = [
            (Self.buffer("+OK\r\n"), [.simpleString("OK")]),
            (Self.buffer("-ERR wrong\r\n"), [.error("ERR wrong")]),
            (Self.buffer(":-42\r\n"), [.integer(-42)]),
            (Self.buffer("$5\r\nhe\r\no\r\n"), [.bulkString(Array("he\r\no".utf8))]),
            (Self.buffer("$0\r\n\r\n"), [.bulkString([])]),
            (Self.buffer("$-1\r\n"), [.bulkString(nil)]),
            (Self.buffer("*-1\r\n"), [.null]),
            (Self.buffer("_\r\n"), [.null]),
            (Self.buffer(",1.5\r\n,inf\r\n"), [.double(1.5), .double(.infinity)]),
            (Self.buffer("#t\r\n#f\r\n"), [.boolean(true), .boolean(false)]),
            (Self.buffer("(3492890328409238509324850943850943825024385\r\n"),
             [.bigNumber("3492890328409238509324850943850943825024385")]),
            (Self.buffer("!10\r\nSYNTAX bad\r\n"), [.error("SYNTAX bad")]),
            (Self.buffer("=8\r\ntxt:hiya\r\n"), [.verbatim(format: "txt", text: "hiya")]),
            (Self.buffer("*2\r\n:1\r\n*1\r\n+x\r\n"), [.array([.integer(1), .array([.simpleString("x")])])]),
            (Self.buffer("%1\r\n+proto\r\n:3\r\n"), [.map([.simpleString("proto"), .integer(3)])]),
            (Self.buffer("~2\r\n+a\r\n+b\r\n"), [.set([.simpleString("a"), .simpleString("b")])]),
            (Self.buffer(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nbody\r\n"),
             [.push([.bulkString(Array("message".utf8)), .bulkString(Array("ch".utf8)), .bulkString(Array("body".utf8))])]),
            // An attribute describes the value after it: skipped, the value kept.
            (Self.buffer("|1\r\n+ttl\r\n:3600\r\n:7\r\n"), [.integer(7)]),
            (Self.buffer("*0\r\n+PONG\r\n"), [.array([]), .simpleString("PONG")]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { RESPDecoder() }
    }

    @Test(
        "malformed input is an error, never a crash or a hang",
        arguments: [
            "?what\r\n", ":12x\r\n", "$-2\r\n", "$3\r\nabcd\r\n", "#x\r\n", "_x\r\n", ",1.2.3\r\n", "+a\rb\r\n",
            "*-5\r\n", "=2\r\nab\r\n", "(12a\r\n", "$99999999999\r\n",
        ]
    )
    func malformed(_ text: String) {
        var buffer = Self.buffer(text)
        #expect(throws: RESPDecodingError.self) { _ = try RESPDecoder().decode(&buffer) }
    }

    @Test("untrusted sizes are bounded: bulk length, element count, depth, line length")
    func limits() throws {
        let decoder = RESPDecoder(maximumBulkBytes: 16, maximumElements: 4, maximumDepth: 3)
        var big = Self.buffer("$17\r\n")
        #expect(throws: RESPDecodingError.self) { _ = try decoder.decode(&big) }
        var many = Self.buffer("*5\r\n")
        #expect(throws: RESPDecodingError.self) { _ = try decoder.decode(&many) }
        var deep = Self.buffer("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n")
        #expect(throws: RESPDecodingError.self) { _ = try decoder.decode(&deep) }
        var long = Self.buffer("+" + String(repeating: "a", count: 5_000))
        #expect(throws: RESPDecodingError.self) { _ = try decoder.decode(&long) }
        // A count promising a million elements allocates nothing until they arrive.
        var promised = Self.buffer("*1000000\r\n:1\r\n")
        #expect(try RESPDecoder().decode(&promised) == nil)
    }

    @Test("a partial value consumes nothing")
    func partial() throws {
        var buffer = Self.buffer("*2\r\n$3\r\nfoo\r\n$3\r\nba")
        let before = buffer.readerIndex
        #expect(try RESPDecoder().decode(&buffer) == nil)
        #expect(buffer.readerIndex == before)
    }

    @Test("commands are arrays of bulk strings; their description never shows their arguments")
    func commands() {
        var buffer = ByteBuffer()
        RESPCommand("SET", "k", "v é").encode(into: &buffer)
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\nv é\r\n")
        #expect(RESPCommand("AUTH", "user", "secret-password").description == "AUTH (2 arguments)")
    }
}
