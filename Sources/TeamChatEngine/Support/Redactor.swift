/// Takes secrets out of text that came back from elsewhere: the one place where an API key (or a secret header, a
/// token) is kept out of what teamchat shows, stores or logs. Every piece of text a transport hands out that a
/// server wrote — an answer, a streamed chunk, a model's name, an error's words — goes through the redactor of the
/// secrets that exchange sent.
///
/// A secret is replaced wherever it appears whole, and so is any stretch of a secret's own characters at least
/// ``minimumFragment`` long that stands on its own: servers echo keys cut short (`sk-proj-abc…`) or masked in the
/// middle (`sk-proj-****wxyz`). A stretch stands on its own when the characters around it could not be part of a key
/// (letters, digits, `-` and `_` could): so a key's `proj` is taken out of `sk-proj-****` but not out of "project".
public struct Redactor: Sendable, Hashable {
    /// What a secret, or a piece of one, becomes.
    public static let replacement = "[redacted]"
    /// The shortest piece of a secret that is taken out.
    public static let minimumFragment = 4

    private let secrets: [[UInt8]]

    /// - Parameter secrets: the secrets to take out; empty ones and ones shorter than ``minimumFragment`` count only
    ///   when they appear whole.
    public init(secrets: [String]) {
        self.secrets = secrets.filter { !$0.isEmpty }.map { Array($0.utf8) }
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
                output += run
            }
            index = end
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
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
