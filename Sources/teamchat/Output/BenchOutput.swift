#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TeamChatBench
import TeamChatModel
import TeamChatRoster

/// The three shapes of a bench report: text for people, one JSON document, CSV rows.
enum BenchOutput {
    static func json(_ report: BenchReport) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Numbers, strings and nested structs of them: encoding cannot fail.
        Console.out(String(decoding: try! encoder.encode(report), as: UTF8.self))
    }

    static func csv(_ runs: [BenchRun]) {
        Console.out("mode,round,specialist_id,success,error_kind,latency_ms,corrected_ms,connect_ms,reused,first_byte_ms,prompt_tokens,completion_tokens,model")
        for run in runs {
            for request in run.requests {
                Console.out(
                    [
                        request.mode.rawValue, String(request.round), field(request.specialistID), String(request.success),
                        request.errorKind ?? "", number(request.latencyMS), number(request.correctedMS),
                        request.connectMS.map(number) ?? "", String(request.reused),
                        request.firstByteMS.map(number) ?? "", request.promptTokens.map(String.init) ?? "",
                        request.completionTokens.map(String.init) ?? "", field(request.model ?? ""),
                    ].joined(separator: ","))
            }
        }
    }

    static func human(_ report: BenchReport, style: Style, prices: [String: ModelPrice] = [:]) {
        let settings = report.settings
        let loop = settings.rate.map { "open loop at \(Formatting.fixed($0, 1)) rounds/s" } ?? "closed loop"
        Console.out(style.bold(
            "teamchat bench · \(settings.addressed) specialists · concurrency \(settings.concurrency) · \(loop) · "
                + "\(settings.warmup) warm-up rounds excluded"))
        for mode in report.modes {
            Console.out("")
            Console.out(style.bold(
                "\(mode.mode.rawValue): \(mode.rounds) rounds in \(Formatting.millis(mode.elapsedMS)) · "
                    + "\(Formatting.fixed(mode.roundsPerSecond, 1)) rounds/s · \(Formatting.fixed(mode.requestsPerSecond, 0)) requests/s · "
                    + "\(successRate(mode)) succeeded"))
            ladder("round latency (all answers)", mode.roundLatency)
            if let corrected = mode.roundLatencyCorrected {
                ladder("  corrected (from schedule)", corrected)
            }
            ladder("time to first answer", mode.firstAnswer)
            if settings.quorum < settings.addressed {
                ladder("time to \(ordinal(settings.quorum)) answer", mode.quorumAnswer)
            }
            Console.out("  histogram of round latency:")
            let most = mode.histogram.map(\.rounds).max() ?? 1
            let labels = histogramLabels(mode.histogram.map(\.upToMS))
            let labelWidth = labels.map(\.count).max() ?? 0
            for (bucket, label) in zip(mode.histogram, labels) {
                let bar = String(repeating: "■", count: most == 0 ? 0 : Int((Double(bucket.rounds) / Double(most) * 40).rounded()))
                Console.out(
                    "    " + Formatting.leftPadded(label, to: labelWidth) + " ["
                        + Formatting.leftPadded(String(bucket.rounds), to: 6) + "] " + style.cyan(bar))
            }
            let failures = mode.outcomes.filter { $0.key != "succeeded" }.sorted { $0.key < $1.key }
            let failed = failures.reduce(0) { $0 + $1.value }
            Console.out(
                "  outcomes: \(mode.outcomes["succeeded"] ?? 0) succeeded · \(failed) failed"
                    + failures.map { " · \($0.value) \($0.key)" }.joined())
            // Models' figures (first token, tokens, speed, cost) when some server reported tokens.
            let usage = mode.specialists.contains { $0.promptTokens != nil || $0.completionTokens != nil }
            var headers = ["  SPECIALIST", "REQUESTS", "P50", "P99", "MAX", "CONNECTIONS"]
            if usage { headers += ["FIRST BYTE", "TOKENS IN/OUT", "TOK/S", "COST"] }
            var table = Table(headers + ["ERRORS"], rightAligned: Set(1..<(headers.count)))
            for row in mode.specialists {
                var cells = [
                    "  " + TerminalSanitizer.sanitize(row.specialistID), String(row.requests),
                    row.p50MS.map(millis) ?? "-", row.p99MS.map(millis) ?? "-", row.maxMS.map(millis) ?? "-",
                    String(row.connectionsOpened),
                ]
                if usage { cells += usageCells(row, prices: prices) }
                cells.append(row.errors.isEmpty ? "-" : row.errors.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
                table.add(cells)
            }
            table.lines(header: style.dim).forEach(Console.out)
        }
        if let speedup = report.speedupP50 {
            Console.out("")
            Console.out(style.bold("pooled vs cold: " + comparison(speedup)))
        }
        Console.out(style.dim("percentiles: \(report.method)"))
    }

    /// A row's first byte, tokens, speed and cost; `—` for a cost no price is configured for (never `$0`).
    static func usageCells(_ row: BenchReport.SpecialistRow, prices: [String: ModelPrice]) -> [String] {
        let tokens = row.promptTokens == nil && row.completionTokens == nil
            ? "-" : "\(row.promptTokens ?? 0)/\(row.completionTokens ?? 0)"
        var cost = "—"
        if let model = row.model, let price = prices[model], row.promptTokens != nil || row.completionTokens != nil {
            cost = "$" + CostTally.format(price.cost(TokenUsage(
                promptTokens: row.promptTokens ?? 0, completionTokens: row.completionTokens ?? 0)))
        }
        return [row.firstByteP50MS.map(millis) ?? "-", tokens, row.tokensPerSecond.map { Formatting.fixed($0, 1) } ?? "-", cost]
    }

    /// The bucket ranges, `0.99–1.09 ms`, with as many decimals as it takes for no two labels to read the same.
    static func histogramLabels(_ upperBounds: [Double]) -> [String] {
        guard let first = upperBounds.first else { return [] }
        let width = upperBounds.count > 1 ? upperBounds[1] - first : 0
        let lowers = [max(0, first - width)] + upperBounds.dropLast()
        for digits in 2...6 {
            let labels = zip(lowers, upperBounds).map { low, high in
                Formatting.fixed(low, digits) + "–" + Formatting.fixed(high, digits) + " ms"
            }
            if Set(labels).count == labels.count || digits == 6 { return labels }
        }
        return []
    }

    /// `2.8× faster with pooled connections`; within 5% either way, `no measurable difference`.
    static func comparison(_ speedup: Double) -> String {
        guard speedup.isFinite, speedup > 0 else { return "no measurable difference" }
        if speedup >= 1.05 { return "round p50 \(Formatting.fixed(speedup, 1))× faster with pooled connections" }
        if speedup <= 1 / 1.05 { return "round p50 \(Formatting.fixed(1 / speedup, 1))× faster with new connections" }
        return "no measurable difference in round p50"
    }

    private static func ladder(_ title: String, _ ladder: LatencyDistribution.Ladder?) {
        guard let ladder else { return }
        Console.out(
            "  " + Formatting.padded(title, to: 30) + "p50 " + millis(ladder.p50) + " · p90 " + millis(ladder.p90)
                + " · p99 " + millis(ladder.p99) + " · p99.9 " + millis(ladder.p999) + " · max " + millis(ladder.max)
                + (ladder.mean.map { " · avg " + millis($0) } ?? "") + (ladder.stdev.map { " ± " + millis($0) } ?? ""))
    }

    /// `99.4 %` of the requests answered.
    static func successRate(_ mode: BenchReport.ModeReport) -> String {
        guard mode.requests > 0 else { return "-" }
        return Formatting.fixed(Double(mode.outcomes["succeeded"] ?? 0) / Double(mode.requests) * 100, 1) + " %"
    }

    private static func millis(_ value: Double) -> String {
        Formatting.millis(value)
    }

    private static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : ["th", "st", "nd", "rd", "th", "th", "th", "th", "th", "th"][n % 10]
        return "\(n)\(suffix)"
    }

    private static func number(_ value: Double) -> String {
        String((value * 1_000).rounded() / 1_000)
    }

    /// RFC 4180 quoting when needed.
    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
