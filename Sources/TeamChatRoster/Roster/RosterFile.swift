#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TeamChatJSON
import TeamChatModel

/// Reads roster files: a JSON list of specialist entries (``Specialist/init(json:defaultHost:)``) or
/// `{"specialists":[…]}`.
public enum RosterFile {
    /// Reads and checks the roster at `path`. `warn` hears about keys teamchat does not know (a typo, usually).
    public static func load(path: String, warn: (String) -> Void = { _ in }) throws(RosterError) -> [Specialist] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw RosterError(.badFile, "cannot read roster '\(path)': \(String(cString: strerror(errno)).lowercased())")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw RosterError(.badFile, "cannot read roster '\(path)': it is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = access(path, R_OK) == 0 ? "cannot read it" : "permission denied"
            throw RosterError(.badFile, "cannot read roster '\(path)': \(reason)")
        }
        return try parse(data, name: path, warn: warn)
    }

    public static func parse(_ data: Data, name: String, warn: (String) -> Void = { _ in }) throws(RosterError)
        -> [Specialist]
    {
        let parsed = data.withUnsafeBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.value(of: bytes) }
        }
        let value: JSONObjectReader.Value
        switch parsed {
        case .success(let parsedValue):
            value = parsedValue
        case .failure(let failure):
            throw RosterError(.badFile, "roster '\(name)' is not JSON: \(Self.describe(failure, in: data))")
        }
        guard let entries = value.array ?? value.object?["specialists"]?.array else {
            throw RosterError(
                .badFile, "roster '\(name)' is not a JSON list of specialists or {\"specialists\":[…]}")
        }
        var seen = Set<String>()
        var roster: [Specialist] = []
        for (position, entry) in entries.enumerated() {
            let label = "entry \(position + 1)"
            guard let object = entry.object else {
                throw RosterError(.badFile, "roster '\(name)': \(label) is not an object")
            }
            let fields = JSONFields(object)
            let specialist: Specialist
            do {
                specialist = try Specialist(json: fields, defaultHost: "127.0.0.1")
            } catch {
                let id = object["id"]?.string.map { " (\(TerminalSanitizer.sanitizeLine($0)))" } ?? ""
                throw RosterError(.badFile, "roster '\(name)': \(label)\(id): \(error.message)")
            }
            guard seen.insert(specialist.id).inserted else {
                throw RosterError(
                    .badFile,
                    "roster '\(name)': \(label): id '\(TerminalSanitizer.sanitizeLine(specialist.id))' appears twice")
            }
            let unknown = fields.unknownKeys(Specialist.jsonKeys)
            if !unknown.isEmpty {
                warn(
                    "roster '\(name)': \(label) (\(TerminalSanitizer.sanitizeLine(specialist.id))): unknown "
                        + "key\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\(TerminalSanitizer.sanitizeLine($0))'" }.joined(separator: ", ")) ignored")
            }
            roster.append(specialist)
        }
        return roster
    }

    /// Writes a roster in the list form, one entry per line.
    public static func encode(_ specialists: [Specialist]) -> Data {
        var bytes = Array("[\n".utf8)
        for (index, specialist) in specialists.enumerated() {
            bytes += Array("  ".utf8) + specialist.json.utf8()
            bytes += Array((index == specialists.count - 1 ? "\n" : ",\n").utf8)
        }
        bytes += Array("]\n".utf8)
        return Data(bytes)
    }

    /// A parser's complaint with the line and column of the byte it names.
    public static func describe(_ failure: JSONObjectReader.Failure, in data: Data) -> String {
        guard case .malformed(let detail, let offset) = failure else { return failure.description }
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return "\(detail) at line \(line), column \(column)"
    }
}
