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
