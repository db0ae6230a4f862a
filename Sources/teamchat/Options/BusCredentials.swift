import TeamChatBus
import TeamChatBusWire
import TeamChatRedis

/// Where a bus's password comes from, so that it never has to be on the command line, where `ps` shows it to every
/// user of the machine: `TEAMCHAT_BUS_PASSWORD` for a bus named without one, or `TEAMCHAT_BUS_URL`, a URL with
/// credentials, for the bus it names (same endpoint and team). A password written in `--bus` still works, with a
/// warning.
enum BusCredentials {
    static let passwordVariable = "TEAMCHAT_BUS_PASSWORD"
    static let urlVariable = "TEAMCHAT_BUS_URL"

    /// `url` with the password the environment gives it, when it has none of its own.
    static func apply(to url: RedisURL, environment: [String: String]) -> RedisURL {
        guard url.password == nil else { return url }
        var url = url
        if let whole = environment[urlVariable].flatMap({ try? RedisURL.parse($0).get() }),
            whole.endpoint == url.endpoint, whole.team == url.team, whole.database == url.database
        {
            url.username = url.username ?? whole.username
            url.password = whole.password
        } else if let password = environment[passwordVariable], !password.isEmpty {
            url.password = password
        }
        return url
    }

    /// Said once when a password was given on the command line.
    static func warnIfOnCommandLine(_ text: String?) {
        guard let text, let url = try? RedisURL.parse(text).get(), url.password != nil else { return }
        Warnings.warn(
            "the password in --bus is visible to every user of this machine (ps); set \(passwordVariable) "
                + "(or \(urlVariable)) instead")
    }

    /// The signer the environment asks for; when there is no team secret, says once that the bus is unauthenticated.
    static func signer(environment: [String: String], bus: RedisURL) -> BusSigner {
        let signer = BusSigner(environment: environment)
        if !signer.isAuthenticated {
            Warnings.warn(
                "the bus \(bus) is unauthenticated: whoever can reach its Redis server can read the questions and "
                    + "forge answers; set \(BusSigner.secretVariable) on every bridge and client (man teamchat, BUS)")
        }
        return signer
    }
}
