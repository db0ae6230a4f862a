import TeamChatJSON
import TeamChatModel
import TeamChatRoster

/// `POST /v1/warm`: `{"connections":1,"connect_timeout":0.5,"timeout":2,"to":[…],"exclude":[…]}` — open
/// connections to the team in parallel and ping each on a warm one; answered with a ``WarmRow`` line per
/// specialist.
struct WarmRequest: Sendable {
    var connections = 1
    var connectTimeout: Duration?
    var timeout: Duration?
    var to: [String] = []
    var exclude: [String] = []

    static func decode(json bytes: [UInt8]) -> Result<WarmRequest, GatewayError> {
        if bytes.isEmpty { return .success(WarmRequest()) }
        guard let members = try? bytes.withUnsafeBytes({ try JSONObjectReader.members(of: $0) }) else {
            return .failure(.badRequest("the body is not a JSON object"))
        }
        let fields = JSONFields(Dictionary(members, uniquingKeysWith: { _, last in last }))
        let unknown = fields.unknownKeys(["connections", "connect_timeout", "timeout", "to", "exclude"])
        guard unknown.isEmpty else { return .failure(.badRequest("unknown members \(unknown.joined(separator: ", "))")) }
        do {
            var request = WarmRequest()
            request.connections = try fields.optionalInteger("connections", in: 1...64) ?? 1
            request.connectTimeout = try fields.optionalNumber("connect_timeout", in: 0.001...600).flatMap(Duration.init(checkedSeconds:))
            request.timeout = try fields.optionalNumber("timeout", in: 0.001...600).flatMap(Duration.init(checkedSeconds:))
            request.to = SpecialistSelector.names(try fields.optionalStrings("to") ?? [])
            request.exclude = SpecialistSelector.names(try fields.optionalStrings("exclude") ?? [])
            return .success(request)
        } catch {
            return .failure(.badRequest(error.message))
        }
    }

    /// Warms the gateway's team; the rows, in roster order.
    func run(on gateway: Gateway) async -> [JSONObjectWriter] {
        let team: [Specialist]
        do {
            team = try SpecialistSelector.select(gateway.roster, include: to, exclude: exclude)
        } catch {
            return [GatewayError.badRequest(error.message).body]
        }
        var options = gateway.configuration.roundDefaults
        if let connectTimeout { options.connectTimeout = connectTimeout }
        if let timeout { options.timeout = timeout }
        options.finishAtQuorum = false
        let prewarmed = await gateway.session.prewarm(team, connections: connections, connectTimeout: options.connectTimeout)
        let (outcomes, _) = await gateway.session.engine.collect(.ping, to: team, options: options, health: gateway.session.health)
        let byID = Dictionary(outcomes.map { ($0.specialistID, $0) }, uniquingKeysWith: { first, _ in first })
        return zip(team, prewarmed).map { WarmRow(specialistID: $0.id, prewarm: $1, ping: byID[$0.id]).json }
    }
}
