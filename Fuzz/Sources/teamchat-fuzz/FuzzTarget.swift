import Foundation
import NIOCore
import TeamChatBusWire
import TeamChatJSON
import TeamChatJudge
import TeamChatModel
import TeamChatOpenAICodec
import TeamChatRESP
import TeamChatRoster
import TeamChatTektonWire

/// One decoder under the fuzzer, chosen by `TEAMCHAT_FUZZ`: each must take any bytes without trapping, and
/// whatever it accepts must survive its own invariants (checked with `precondition`, so a violation is a crash the
/// fuzzer reports).
enum FuzzTarget: String, CaseIterable {
    /// The JSON reader: any value, and any object's members.
    case json
    /// A Tekton reply line.
    case reply
    /// A Tekton request line (the serving side).
    case request
    /// The cache file.
    case cache
    /// A roster file.
    case roster
    /// An NDJSON round event (what `send` reads from a gateway).
    case events
    /// Line framing, with the input fed in two pieces split where its first byte says.
    case framer
    /// A server-sent event stream, split in two where its first byte says: the same events as read whole, each
    /// read as a chat completion chunk.
    case sse
    /// An OpenAI-compatible response body: a completion, a model list, an error.
    case completion
    /// RESP3 from a Redis server, split in two where its first byte says: the same values as read whole.
    case resp
    /// A bus message from another machine, signed or not: a request, a reply, a presence, a posted round. What
    /// opens under a secret must be what was sealed with it, and nothing unsealed opens.
    case bus
    /// A chat client's body to the facade (`POST /v1/chat/completions`): refused with a reason or read whole, and a
    /// body read asks a question that is a chat's.
    case facade
    /// A model's reply to a council's ranking request: only labels it was shown, each once.
    case ranking
    /// A teams file: refused with a reason that names the file, or teams each with one source.
    case teams

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["TEAMCHAT_FUZZ"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("set TEAMCHAT_FUZZ to one of: \(allCases.map(\.rawValue).joined(separator: " "))")
        }
        return target
    }()

    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .json:
            if let value = try? JSONObjectReader.value(of: bytes) {
                // Whatever it read, an object it re-reads the same way.
                if case .object = value { _ = try? JSONObjectReader.members(of: bytes) }
            }
        case .reply:
            let line = ByteBuffer(bytes: bytes)
            if let reply = try? WireReply.decode(line) {
                var encoded = reply.encodedLine
                encoded.moveWriterIndex(to: encoded.writerIndex - 1)
                if case .response = reply {} else {
                    precondition((try? WireReply.decode(encoded)) == reply, "a reply does not survive its own encoding")
                }
            }
        case .request:
            _ = try? WireRequest.decode(ByteBuffer(bytes: bytes))
        case .cache:
            if let cache = try? SpecialistCache.decode(Data(bytes)) {
                precondition((try? SpecialistCache.decode(cache.encoded())) != nil, "a cache does not survive its own encoding")
            }
        case .roster:
            _ = try? RosterFile.parse(Data(bytes), name: "fuzz")
        case .events:
            if let decoded = try? RoundEventCodec.decode(bytes) {
                let again = RoundEventCodec.encode(decoded.event, round: decoded.round).string
                precondition((try? RoundEventCodec.decode(again)) != nil, "an event does not survive its own encoding")
            }
        case .framer:
            guard let split = bytes.first else { return }
            let rest = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
            let cut = min(Int(split), rest.count)
            var framer = LineFramer(maximumLineLength: 64)
            var total = 0
            for piece in [rest[..<cut], rest[cut...]] {
                framer.append(ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: piece)))
                while let line = try? framer.nextLine() {
                    precondition(line.readableBytes <= 64, "a line longer than the limit")
                    total += line.readableBytes
                }
            }
            precondition(total <= rest.count, "more bytes out than in")
        case .sse:
            guard let split = bytes.first else { return }
            let rest = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
            let cut = min(Int(split), rest.count)
            func read(_ pieces: [UnsafeRawBufferPointer.SubSequence]) -> [SSEParser.Event]? {
                var parser = SSEParser(maximumLength: 256)
                var events: [SSEParser.Event] = []
                do {
                    for piece in pieces { events += try parser.feed(piece) }
                    if let last = try parser.finish() { events.append(last) }
                } catch {
                    return nil
                }
                return events
            }
            let whole = read([rest[...]])
            precondition(read([rest[..<cut], rest[cut...]]) == whole, "where the bytes split changed the events")
            for event in whole ?? [] {
                precondition(event.data.utf8.count <= 256 * 4, "an event larger than the limit")
                _ = ChatCompletionCodec.delta(event.data)
            }
        case .facade:
            if case .success(let request) = ChatCompletionRequest.decode(Array(bytes)) {
                precondition((try? ChatRequest(message: request.question).validate()) != nil, "a question too large")
                precondition(request.history.allSatisfy { $0.role == .user || $0.role == .assistant })
            }
        case .ranking:
            let text = String(decoding: bytes, as: UTF8.self)
            let shown = ["A", "B", "C", "D2"]
            if let order = RankingParser.parse(text, shown: shown) {
                precondition(!order.isEmpty && Set(order).count == order.count, "a label ranked twice")
                precondition(order.allSatisfy(shown.contains), "a label not shown")
            }
        case .teams:
            switch Result(catching: { try TeamsFile.parse(Data(bytes), path: "/fuzz/teams.json") }) {
            case .success(let teams): precondition(Set(teams.map(\.name)).count == teams.count, "a team twice")
            case .failure(let problem):
                precondition("\(problem)".hasPrefix("/fuzz/teams.json"), "an error that does not name the file")
            }
        case .completion:
            _ = ChatCompletionCodec.completion(bytes)
            _ = ChatCompletionCodec.models(bytes)
            _ = ChatCompletionCodec.errorText(bytes)
        case .resp:
            let decoder = RESPDecoder(maximumBulkBytes: 1 << 16, maximumElements: 1 << 10, maximumDepth: 8)
            func values(_ pieces: [UnsafeRawBufferPointer.SubSequence]) -> [RESPValue]? {
                var buffer = ByteBuffer()
                var out: [RESPValue] = []
                for piece in pieces {
                    buffer.writeBytes(UnsafeRawBufferPointer(rebasing: piece))
                    do {
                        while let value = try decoder.decode(&buffer) { out.append(value) }
                    } catch {
                        return nil
                    }
                }
                return out
            }
            let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
            let whole = values([bytes[...]])
            let pieces = values([bytes[..<split], bytes[split...]])
            // Splitting never changes what is read (an error may come earlier or later, never a different value).
            if let whole, let pieces { precondition(whole.count == pieces.count, "a split changed what was read") }
        case .bus:
            let payload = Array(bytes)
            let signer = BusSigner(secret: "fuzz")
            if case .accepted(let json) = signer.open(payload) {
                // Only a message sealed with the secret opens under it, and it opens to what was sealed.
                precondition(signer.seal(json) == payload, "a message opened that the secret did not seal")
            }
            if case .accepted(let json) = BusSigner(secret: nil).open(payload) {
                if let request = BusRequest.decode(json) {
                    precondition(BusRequest.decode(request.json) != nil, "a request does not survive its own encoding")
                }
                if let (round, channel, event) = BusReply.decode(json) {
                    precondition(
                        BusReply.decode(BusReply.encode(event, round: round, channel: channel)) != nil,
                        "a reply does not survive its own encoding")
                }
                if let posted = BusPosted.decode(json) {
                    precondition(BusPosted.decode(posted.json) != nil, "a posted round does not survive its own encoding")
                }
                _ = BusPresence.decode(json)
            }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTarget.current.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}

/// libFuzzer's driver (its `main`, as a function).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

/// The executable's entry point (SwiftPM names it after the target): hands over to libFuzzer.
@_cdecl("teamchat_fuzz_main")
func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { start, count in fuzz(start, count) }
}
