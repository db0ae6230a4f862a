#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TeamChatCore

/// `--json`: one object per line (NDJSON), flushed per line, `"type"` first on every object (DESIGN §3).
struct JSONRoundRenderer: RoundRenderer {
    private var round = 0

    mutating func begin(round: Int, message: String?) {
        self.round = round
    }

    mutating func render(_ event: RoundEvent) {
        switch event {
        case .chunk(_, let specialist, let chunk):
            JSONLines.write(ChunkEvent(specialistID: specialist.id, index: chunk.index, content: chunk.content, round: round))
        case .outcome(let outcome):
            JSONLines.write(ReplyEvent(outcome, round: round))
        case .finished(let summary):
            JSONLines.write(SummaryEvent(summary, round: round, interrupted: false))
        }
    }

    mutating func interrupted(_ partial: RoundSummary) {
        JSONLines.write(SummaryEvent(partial, round: round, interrupted: true))
    }
}

/// Writes Encodable values as single JSON lines.
enum JSONLines {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func write(_ value: some Encodable) {
        // Our event types hold strings, numbers and booleans only: encoding cannot fail.
        let data = try! encoder.encode(value)
        Console.out(String(decoding: data, as: UTF8.self))
    }
}

struct ReplyEvent: Encodable {
    var type = "reply"
    var specialistID: String
    var success: Bool
    var content: String?
    var model: String?
    var error: String?
    var errorKind: String?
    var elapsedMS: Double
    var connectMS: Double?
    var firstByteMS: Double?
    var reused: Bool?
    var attempts: Int?
    var round: Int

    enum CodingKeys: String, CodingKey {
        case type, success, content, model, error, reused, attempts, round
        case specialistID = "specialist_id"
        case errorKind = "error_kind"
        case elapsedMS = "elapsed_ms"
        case connectMS = "connect_ms"
        case firstByteMS = "first_byte_ms"
    }

    init(_ outcome: SpecialistOutcome, round: Int) {
        specialistID = outcome.specialist.id
        success = outcome.isSuccess
        elapsedMS = Formatting.milliseconds(outcome.elapsed)
        self.round = round
        switch outcome.result {
        case .success(let reply):
            if case .response(let answer) = reply {
                content = answer.content
                model = answer.model
            } else {
                content = reply.typeName
            }
            connectMS = outcome.connect.map(Formatting.milliseconds)
            firstByteMS = outcome.firstByte.map(Formatting.milliseconds)
            reused = outcome.reused
            attempts = outcome.attempts
        case .failure(let failure):
            error = failure.message
            errorKind = failure.kind.rawValue
            attempts = outcome.attempts
        }
    }
}

struct ChunkEvent: Encodable {
    var type = "chunk"
    var specialistID: String
    var index: Int
    var content: String
    var round: Int

    enum CodingKeys: String, CodingKey {
        case type, index, content, round
        case specialistID = "specialist_id"
    }
}

struct SummaryEvent: Encodable {
    var type = "summary"
    var replied: Int
    var failed: Int
    var skipped: Int
    var cancelled: Int
    var addressed: Int
    var quorum: Int
    var quorumMet: Bool
    var slowestMS: Double?
    var elapsedMS: Double
    var failures: [String: Int]
    var interrupted: Bool
    var round: Int

    enum CodingKeys: String, CodingKey {
        case type, replied, failed, skipped, cancelled, addressed, quorum, failures, interrupted, round
        case quorumMet = "quorum_met"
        case slowestMS = "slowest_ms"
        case elapsedMS = "elapsed_ms"
    }

    init(_ summary: RoundSummary, round: Int, interrupted: Bool) {
        replied = summary.replied
        failed = summary.failed
        skipped = summary.skipped
        cancelled = summary.cancelled
        addressed = summary.addressed
        quorum = summary.quorum
        quorumMet = summary.quorumMet
        slowestMS = summary.slowest.map(Formatting.milliseconds)
        elapsedMS = Formatting.milliseconds(summary.elapsed)
        failures = Dictionary(uniqueKeysWithValues: summary.failures.map { ($0.key.rawValue, $0.value) })
        self.interrupted = interrupted
        self.round = round
    }
}
