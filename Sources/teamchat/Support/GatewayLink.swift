import NIOConcurrencyHelpers
import TeamChatGateway

/// The connection to a gateway's control socket that a command holds, opened again when the gateway closed it
/// (it closes connections that idle past its request timeout: a prompt may sit idle for minutes).
final class GatewayLink: Sendable {
    let path: String
    private let current: NIOLockedValueBox<GatewayClient>

    init(path: String, client: GatewayClient) {
        self.path = path
        self.current = NIOLockedValueBox(client)
    }

    /// An open connection, or `nil` when the gateway is gone.
    func client() async -> GatewayClient? {
        let client = current.withLockedValue { $0 }
        if client.isOpen { return client }
        guard let fresh = await GatewayClient.connect(path: path) else { return nil }
        current.withLockedValue { $0 = fresh }
        return fresh
    }

    func close() async {
        await current.withLockedValue { $0 }.close()
    }
}
