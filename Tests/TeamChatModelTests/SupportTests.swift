#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TeamChatModel
import Testing

@Suite("Parsing and sanitising")
struct SupportTests {
    @Test(
        "durations",
        arguments: [
            ("2", Duration.seconds(2)), ("2s", .seconds(2)), ("500ms", .milliseconds(500)), ("1.5s", .milliseconds(1_500)),
            ("250us", .microseconds(250)), ("1m", .seconds(60)), ("0", .zero), ("1h", .seconds(3_600)),
            ("1m30s", .seconds(90)), ("2h15m", .seconds(8_100)), ("1.5", .milliseconds(1_500)), ("1S", .seconds(1)),
            ("1s500ms", .milliseconds(1_500)), ("30d", .seconds(30 * 86_400)), ("1d12h", .seconds(129_600)),
        ]
    )
    func durations(_ text: String, _ expected: Duration) {
        #expect(Duration(parsing: text) == expected)
    }

    @Test("a descriptor gets every byte, or the error of the write that failed")
    func descriptorWriter() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-write-\(UUID())").path
        defer { unlink(path) }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(file >= 0)
        #expect(bytes.withUnsafeBytes { DescriptorWriter.write($0, to: file) } == nil)
        close(file)
        #expect(FileManager.default.contents(atPath: path).map(Array.init) == bytes)

        let readOnly = open(path, O_RDONLY)
        try #require(readOnly >= 0)
        defer { close(readOnly) }
        #expect(bytes.withUnsafeBytes { DescriptorWriter.write($0, to: readOnly) } == EBADF)
    }

    @Test("bad durations", arguments: ["", "s", "-1s", "1w", "abc", "1.2.3s", "ms5", "1m30", "1 s", "1e3s"])
    func badDurations(_ text: String) {
        #expect(Duration(parsing: text) == nil)
    }

    @Test("what is wrong with a duration, in words")
    func durationProblems() {
        #expect(DurationSyntax.problem(with: "-1s") == "must not be negative")
        #expect(DurationSyntax.problem(with: "soon") == "'soon' is not a duration (e.g. 2 (seconds), 1.5s, 250ms, 1m30s, 1h)")
        #expect(DurationSyntax.problem(with: "").hasPrefix("a duration is missing"))
    }

    @Test("byte counts")
    func byteCounts() {
        #expect(ByteCount.parse("16MiB") == 16 << 20)
        #expect(ByteCount.parse("64k") == 64 << 10)
        #expect(ByteCount.parse("1000") == 1000)
        #expect(ByteCount.parse("-1") == nil)
        #expect(ByteCount.parse("lots") == nil)
    }

    @Test("terminal escapes and control characters are shown escaped; newlines, tabs and text pass")
    func sanitizer() {
        #expect(TerminalSanitizer.sanitize("plain\ttext\nnext line, ünïcødé ✓") == "plain\ttext\nnext line, ünïcødé ✓")
        #expect(TerminalSanitizer.sanitize("\u{1B}[31mred\u{1B}]0;title\u{07}") == "\\x1B[31mred\\x1B]0;title\\x07")
        #expect(TerminalSanitizer.sanitize("a\rb\u{7F}") == "a\\x0Db\\x7F")
        #expect(TerminalSanitizer.sanitize("\u{9B}2J") == "\\u{009B}2J")
        #expect(TerminalSanitizer.sanitize("abc\u{202E}fed") == "abc\\u{202E}fed")
    }

    @Test("scan ranges")
    func scanRanges() {
        #expect(ScanRange(parsing: "127.0.0.1:45000-45016") == ScanRange(host: "127.0.0.1", ports: 45000...45016))
        #expect(ScanRange(parsing: "[::1]:9000-9001") == ScanRange(host: "::1", ports: 9000...9001))
        #expect(ScanRange(parsing: "localhost:8000") == ScanRange(host: "localhost", ports: 8000...8000))
        for bad in ["127.0.0.1", ":1-2", "h:2-1", "h:0-5", "h:1-70000", "h:a-b"] {
            #expect(ScanRange(parsing: bad) == nil, "\(bad)")
        }
    }
}
