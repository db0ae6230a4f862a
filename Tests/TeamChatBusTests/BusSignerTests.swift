import Foundation
@testable import TeamChatBusWire
import TeamChatModel
import TeamChatTestSupport
import Testing

@Suite("The bus's message authentication", .timeLimit(.minutes(1)))
struct BusSignerTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("SHA-256: the FIPS 180-2 test vectors, whatever the input's split into blocks")
    func sha256() {
        #expect(Self.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(Self.hex(SHA256.hash(Array(twoBlocks.utf8))) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Self.hex(SHA256.hash(million)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Fed in pieces of every awkward size, the same digest as in one piece.
        let text = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let whole = Self.hex(SHA256.hash(text))
        for piece in [1, 3, 63, 64, 65, 127] {
            var hasher = SHA256()
            var rest = text[...]
            while !rest.isEmpty {
                hasher.update(rest.prefix(piece))
                rest = rest.dropFirst(piece)
            }
            #expect(Self.hex(hasher.finish()) == whole, "pieces of \(piece)")
        }
    }

    @Test("HMAC-SHA256: the RFC 4231 test vectors, a key longer than a block included")
    func hmac() {
        let one = HMACSHA256.authenticationCode(for: Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20))
        #expect(Self.hex(one) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let two = HMACSHA256.authenticationCode(for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(Self.hex(two) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let six = HMACSHA256.authenticationCode(
            for: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            key: [UInt8](repeating: 0xaa, count: 131))
        #expect(Self.hex(six) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("HMAC-SHA256 agrees with Python's hmac module on random keys and messages of every length")
    func hmacAgainstPython() async throws {
        var generator = SystemRandomNumberGenerator()
        var cases: [(key: [UInt8], message: [UInt8])] = []
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 200, 1_000] {
            let key = (0..<Int.random(in: 0...150, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            cases.append((key, message))
        }
        let lines = cases.map { "\(Self.hex($0.key)) \(Self.hex($0.message))" }.joined(separator: "\n")
        let script = """
            import hmac, hashlib, sys
            for line in sys.stdin.read().splitlines():
                key, message = (bytes.fromhex(part) for part in (line.split(" ") + [""])[:2])
                print(hmac.new(key, message, hashlib.sha256).hexdigest())
            """
        let python = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", script], input: lines + "\n")
        try #require(python.status == 0, "\(python.stderr)")
        let expected = python.stdout.split(separator: "\n").map(String.init)
        #expect(expected.count == cases.count)
        for (index, (key, message)) in cases.enumerated() where index < expected.count {
            #expect(Self.hex(HMACSHA256.authenticationCode(for: message, key: key)) == expected[index], "case \(index)")
        }
    }

    @Test("with a secret: what is sealed opens; unsigned, tampered or wrongly keyed messages are refused")
    func sealAndOpen() {
        let signer = BusSigner(secret: "team secret")
        let json = Array(#"{"bus_round":"c:1","reply_to":"teamchat:t:reply:c"}"#.utf8)
        let sealed = signer.seal(json)
        #expect(sealed.starts(with: Array("tcmac1:".utf8)))
        #expect(signer.open(sealed) == .accepted(json))
        #expect(signer.open(json) == .rejected("unsigned"))
        var tampered = sealed
        tampered[tampered.count - 3] ^= 0x01  // one bit of the JSON
        #expect(signer.open(tampered) == .rejected("forged"))
        #expect(signer.open(BusSigner(secret: "another").seal(json)) == .rejected("forged"))
        #expect(signer.open(Array("tcmac1:abc:{}".utf8)) == .rejected("malformed"))
        // Without a secret, both kinds are taken as they are (an unauthenticated bus trusts its Redis server).
        let open = BusSigner(secret: nil)
        #expect(!open.isAuthenticated)
        #expect(open.seal(json) == json)
        #expect(open.open(json) == .accepted(json))
        #expect(open.open(sealed) == .accepted(json))
        // An empty secret is no secret.
        #expect(!BusSigner(environment: [BusSigner.secretVariable: ""]).isAuthenticated)
    }
}
