/// The keys and channels of one team on a bus (DESIGN §8). Everything of team `T` lives under `teamchat:T:`:
///
/// - `teamchat:T:bridge:<bridge>` — a bridge's presence (its specialists), set with a TTL and renewed by its
///   heartbeat, so that it expires when the bridge dies and is deleted when it stops;
/// - `teamchat:T:requests` — the channel every bridge of the team listens on; a round is published here once;
/// - `teamchat:T:reply:<client>` — a requester's own channel, where bridges publish each specialist's reply.
public enum BusNames {
    public static func presenceKey(team: String, bridge: String) -> String { "teamchat:\(team):bridge:\(bridge)" }
    public static func presencePattern(team: String) -> String { "teamchat:\(team):bridge:*" }
    public static func requestChannel(team: String) -> String { "teamchat:\(team):requests" }
    public static func replyChannel(team: String, client: String) -> String { "teamchat:\(team):reply:\(client)" }
}
