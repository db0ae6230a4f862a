import NIOConcurrencyHelpers
import TeamChatBench
import TeamChatGateway
import TeamChatJSON
import TeamChatModel

/// `bench --gateway`: each round a `POST /api/team-chat` to a running gateway, over keep-alive connections (one
/// per round in flight, kept for the next), its Rhetor document read back into outcomes.
final class GatewayBenchDriver: BenchRoundDriver {
    private let host: String
    private let port: Int
    private let token: String?
    private let team: [String]
    private let idle = NIOLockedValueBox<[GatewayClient]>([])

    init(host: String, port: Int, token: String?, team: [String]) {
        self.host = host
        self.port = port
        self.token = token
        self.team = team
    }

    func round(_ message: String, options: RoundOptions) async -> [SpecialistOutcome] {
        var body = JSONObjectWriter()
        body.add("message", message)
        body.add("timeout", options.timeout.seconds)
        // A kept connection the gateway closed while it idled is dropped; the round goes on a new one.
        var client = idle.withLockedValue { idle -> GatewayClient? in
            while let last = idle.popLast() { if last.isOpen { return last } }
            return nil
        }
        if client == nil { client = await GatewayClient.connect(host: host, port: port, token: token) }
        guard let client else { return lost("no gateway answers on \(host):\(port)") }
        do {
            let document = try await client.teamChat(body.utf8())
            idle.withLockedValue { $0.append(client) }
            guard let (outcomes, _) = RhetorResponse.parse(document, team: team) else {
                return lost("the gateway's answer could not be read")
            }
            return outcomes
        } catch {
            await client.close()
            return lost("\(error)")
        }
    }

    /// Every specialist's answer lost with the round.
    private func lost(_ why: String) -> [SpecialistOutcome] {
        team.enumerated().map { index, id in
            SpecialistOutcome(
                index: index, specialistID: id, result: .failure(ExchangeError(.closed, "gateway: \(why)")), elapsed: .zero)
        }
    }

    func close() async {
        for client in idle.withLockedValue({ $0 }) { await client.close() }
    }
}
