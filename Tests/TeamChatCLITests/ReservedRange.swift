import Foundation
import TeamChatFleet

/// A run of neighbouring ports below the kernel's ephemeral range, every one held (bound, not listening: a connect
/// is refused): a scan over it reaches nothing but what a test puts there, never another test's fleet, whose
/// ports are ephemeral.
struct ReservedRange {
    let ports: [ReservedPort]
    var low: Int { ports.first?.port ?? 0 }
    var high: Int { ports.last?.port ?? 0 }
    var scan: String { "127.0.0.1:\(low)-\(high)" }

    /// `width` neighbouring ports, or nil when none could be found.
    static func hold(width: Int) -> ReservedRange? {
        let ephemeralLow = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32_768
        let ceiling = max(ephemeralLow, 10_000 + 2 * width) - width
        for _ in 0..<20 {
            let low = Int.random(in: 10_000...ceiling)
            var held: [ReservedPort] = []
            for port in low..<(low + width) {
                guard let reserved = try? ReservedPort(host: "127.0.0.1", port: port) else { break }
                held.append(reserved)
            }
            if held.count == width { return ReservedRange(ports: held) }
            held.forEach { $0.release() }
        }
        return nil
    }

    func release() {
        ports.forEach { $0.release() }
    }
}
