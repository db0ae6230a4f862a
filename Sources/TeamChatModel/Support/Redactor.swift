/// Takes secrets out of text that came back from elsewhere: the one place where an API key (or a secret header, a
/// token) is kept out of what teamchat shows, stores or logs. Every piece of text a transport hands out that a
/// server wrote — an answer, a streamed chunk, a model's name, an error's words — goes through the redactor of the
/// secrets that exchange sent.
///
/// A secret is replaced wherever it appears whole; so is any piece of it at least ``minimumFragment`` long that stands
/// on its own (servers echo keys cut short, `sk-proj-abc…`, or masked in the middle, `sk-proj-****wxyz`), and any
/// piece at least ``minimumEmbeddedFragment`` long wherever it is (`model-sk-proj-abc12`). A piece stands on its own
/// when the characters around it could not be part of a key (letters, digits, `-` and `_` could): so a key's `proj`
/// is taken out of `sk-proj-****` but not out of "project".
public struct Redactor: Sendable, Hashable {
    /// What a secret, or a piece of one, becomes.
    public static let replacement = "[redacted]"
    /// The shortest piece of a secret that is taken out when it stands on its own.
    public static let minimumFragment = 4
    /// The shortest piece of a secret that is taken out inside other characters.
    public static let minimumEmbeddedFragment = 6

    private let secrets: [[UInt8]]
    /// Every stretch of ``minimumEmbeddedFragment`` bytes of every secret, packed: where a piece may start.
    private let grams: Set<UInt64>

    /// - Parameter secrets: the secrets to take out; empty ones and ones shorter than ``minimumFragment`` count only
    ///   when they appear whole.
    public init(secrets: [String]) {
        self.secrets = secrets.filter { !$0.isEmpty }.map { Array($0.utf8) }
        var grams: Set<UInt64> = []
        for secret in self.secrets where secret.count >= Self.minimumEmbeddedFragment {
            for start in 0...(secret.count - Self.minimumEmbeddedFragment) {
                grams.insert(Self.pack(secret[start..<start + Self.minimumEmbeddedFragment]))
            }
        }
        self.grams = grams
    }

    private static func pack(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Whether there is anything to take out.
    public var isEmpty: Bool { secrets.isEmpty }

    /// A redactor with no secrets: it changes nothing.
    public static let none = Redactor(secrets: [])

    /// `text` with every secret, and every piece of one that stands on its own, replaced.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty, !text.isEmpty else { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets {
            // Whole, wherever it is.
            if let whole = replaceAll(secret, in: bytes) {
                bytes = whole
                changed = true
            }
        }
        // Pieces: each run of key characters that is itself a piece of a secret.
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard Self.isKeyCharacter(bytes[index]) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, Self.isKeyCharacter(bytes[end]) { end += 1 }
            let run = bytes[index..<end]
            if run.count >= Self.minimumFragment, secrets.contains(where: { Self.contains($0, run) }) {
                output += Array(Self.replacement.utf8)
                changed = true
            } else {
                changed = redactEmbedded(run, into: &output) || changed
            }
            index = end
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// Copies `run` to `output` with every piece of a secret at least ``minimumEmbeddedFragment`` long replaced (the
    /// longest piece wherever one starts); true when it replaced any.
    private func redactEmbedded(_ run: ArraySlice<UInt8>, into output: inout [UInt8]) -> Bool {
        let width = Self.minimumEmbeddedFragment
        guard run.count >= width, !grams.isEmpty else {
            output += run
            return false
        }
        var replaced = false
        var index = run.startIndex
        while index < run.endIndex {
            guard index + width <= run.endIndex, grams.contains(Self.pack(run[index..<index + width])) else {
                output.append(run[index])
                index += 1
                continue
            }
            // Grown for as long as it is still a piece of a secret.
            var end = index + width
            while end < run.endIndex, secrets.contains(where: { Self.contains($0, run[index...end]) }) { end += 1 }
            if secrets.contains(where: { Self.contains($0, run[index..<end]) }) {
                output += Array(Self.replacement.utf8)
                replaced = true
                index = end
            } else {
                output.append(run[index])  // two packed grams that collide: not a piece after all
                index += 1
            }
        }
        return replaced
    }

    /// Letters, digits, `-` and `_`: what API keys and tokens are made of.
    private static func isKeyCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    private static func contains(_ haystack: [UInt8], _ needle: ArraySlice<UInt8>) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle.first {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    /// `bytes` with every occurrence of `secret` replaced, or nil when there is none.
    private func replaceAll(_ secret: [UInt8], in bytes: [UInt8]) -> [UInt8]? {
        guard secret.count <= bytes.count else { return nil }
        var output: [UInt8] = []
        var index = 0
        var found = false
        while index < bytes.count {
            if index + secret.count <= bytes.count, bytes[index] == secret[0],
                bytes[index..<index + secret.count].elementsEqual(secret)
            {
                output += Array(Self.replacement.utf8)
                index += secret.count
                found = true
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return found ? output : nil
    }
}
