/// Parses byte counts for flags: `1048576`, `64KiB`, `16MiB`, `1GiB` (also `K`, `M`, `G`, `KB`, `MB`, `GB` as
/// powers of 1024, which is what people mean by them for buffer sizes).
public enum ByteCount {
    public static func parse(_ text: String) -> Int? {
        let lower = text.lowercased()
        let units: [(suffix: String, factor: Int)] = [
            ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30),
            ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("b", 1),
        ]
        for unit in units where lower.hasSuffix(unit.suffix) {
            guard let value = Int(lower.dropLast(unit.suffix.count)), value >= 0 else { return nil }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: unit.factor)
            return overflow ? nil : bytes
        }
        return Int(lower).flatMap { $0 >= 0 ? $0 : nil }
    }
}
