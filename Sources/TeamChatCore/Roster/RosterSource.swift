#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where a roster comes from (DESIGN §4), first match wins: `--roster FILE` › `--scan HOST:LOW-HIGH` ›
/// `TEAMCHAT_ROSTER` / `TEAMCHAT_SCAN` › the Tekton preset.
public enum RosterSource: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case scan(ScanRange)
    case tekton

    /// Picks the source from flags and environment.
    public static func select(
        rosterFile: String?,
        scan: ScanRange?,
        environment: [String: String]
    ) throws(RosterError) -> RosterSource {
        if let rosterFile { return .file(rosterFile) }
        if let scan { return .scan(scan) }
        if let path = environment["TEAMCHAT_ROSTER"], !path.isEmpty { return .file(path) }
        if let text = environment["TEAMCHAT_SCAN"], !text.isEmpty {
            guard let range = ScanRange(parsing: text) else {
                throw RosterError("TEAMCHAT_SCAN is not HOST:LOW-HIGH: '\(text)'")
            }
            return .scan(range)
        }
        return .tekton
    }

    /// A stable name, stored with cached rosters so that one source's cache is never used for another.
    public var description: String {
        switch self {
        case .file(let path): "file:\(path)"
        case .scan(let range): "scan:\(range)"
        case .tekton: "tekton"
        }
    }
}

/// `HOST:LOW-HIGH`, the ports a scan probes.
public struct ScanRange: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var ports: ClosedRange<Int>

    public init(host: String, ports: ClosedRange<Int>) {
        self.host = host
        self.ports = ports
    }

    /// Parses `127.0.0.1:45000-45016`, `localhost:8000-8010`, `[::1]:9000-9001` or a single port `host:9000`.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let range = text[text.index(after: colon)...].split(separator: "-", omittingEmptySubsequences: false)
        guard !host.isEmpty, (1...2).contains(range.count),
            let low = Int(range[0]), let high = Int(range.last!),
            1 <= low, low <= high, high <= 65535
        else { return nil }
        self.init(host: host, ports: low...high)
    }

    public var description: String {
        let host = host.contains(":") ? "[\(host)]" : host
        return "\(host):\(ports.lowerBound)-\(ports.upperBound)"
    }
}

/// Reads roster files: `[{"id","host","port"}]` or `{"specialists":[…]}`.
public enum RosterFile {
    public static func load(path: String) throws(RosterError) -> [Specialist] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason =
                switch (error as? CocoaError)?.code {
                case .fileReadNoSuchFile?: "no such file"
                case .fileReadNoPermission?: "permission denied"
                default: "\(error)"
                }
            throw RosterError("cannot read roster '\(path)': \(reason)")
        }
        return try parse(data, name: path)
    }

    public static func parse(_ data: Data, name: String) throws(RosterError) -> [Specialist] {
        let shapeError = RosterError(
            "roster '\(name)' is not a JSON list of {\"id\",\"host\",\"port\"} or {\"specialists\":[…]}")
        let parsed = data.withUnsafeBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.value(of: bytes) }
        }
        guard case .success(let value) = parsed,
            let entries = value.array ?? value.object?["specialists"]?.array
        else { throw shapeError }
        var seen = Set<String>()
        var roster: [Specialist] = []
        for entry in entries {
            guard let fields = entry.object, let id = fields["id"]?.string, let port = fields["port"]?.integer else {
                throw shapeError
            }
            guard !id.isEmpty else { throw RosterError("roster '\(name)': an entry has an empty id") }
            guard (1...65535).contains(port) else { throw RosterError("roster '\(name)': \(id) has port \(port)") }
            guard seen.insert(id).inserted else { throw RosterError("roster '\(name)': id '\(id)' appears twice") }
            roster.append(
                Specialist(
                    id: id,
                    host: fields["host"]?.string ?? "127.0.0.1",
                    port: port,
                    model: fields["model"]?.string,
                    component: fields["component"]?.string,
                    description: fields["description"]?.string
                )
            )
        }
        return roster
    }

    /// Writes a roster in the list form.
    public static func encode(_ specialists: [Specialist]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Specialist is a struct of strings and integers: encoding cannot fail.
        return try! encoder.encode(specialists)
    }
}
