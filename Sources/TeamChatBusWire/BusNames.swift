/// The keys and channels of one team on a bus (DESIGN §8). Everything of team `T` lives under `teamchat:T:`:
///
/// - `teamchat:T:bridge:<bridge>` — a bridge's presence (its specialists), set with a TTL and renewed by its
///   heartbeat, so that it expires when the bridge dies and is deleted when it stops;
/// - `teamchat:T:requests:<bridge>` — a bridge's own request channel: a round is published once per bridge it
///   addresses, so that PUBLISH's count of receivers says at once whether that bridge is alive (a killed bridge's
///   connection, and with it its subscription, is gone long before its presence expires);
/// - `teamchat:T:reply:<client>` — a requester's own channel, where bridges publish each specialist's reply (a
///   bridge publishes nowhere else);
/// - `teamchat:T:inbox` — the stream `send --async` posts on; each bridge reads it in a consumer group of its own
///   name, so that what was posted while it was down is still there when it comes back;
/// - `teamchat:T:async:<id>` — a posted round's record (who was expected), `teamchat:T:answers:<id>` its answers.
public enum BusNames {
    public static func inbox(team: String) -> String { "teamchat:\(team):inbox" }
    public static func asyncRecord(team: String, round: String) -> String { "teamchat:\(team):async:\(round)" }
    public static func answers(team: String, round: String) -> String { "teamchat:\(team):answers:\(round)" }
    public static func presenceKey(team: String, bridge: String) -> String { "teamchat:\(team):bridge:\(bridge)" }
    public static func presencePattern(team: String) -> String { "teamchat:\(team):bridge:*" }
    public static func requestChannel(team: String, bridge: String) -> String { "teamchat:\(team):requests:\(bridge)" }
    public static func replyChannel(team: String, client: String) -> String { replyPrefix(team: team) + client }
    /// Every reply channel of team `team` starts so; a request naming any other is refused.
    public static func replyPrefix(team: String) -> String { "teamchat:\(team):reply:" }
}
