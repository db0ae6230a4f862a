import TeamChatModel
/// What a prewarm opened.
public struct PrewarmResult: Sendable {
    /// How long each connection opened took.
    public var connectDurations: [Duration]
    /// Connections that were already open and idle.
    public var alreadyOpen: Int
    /// Why opening failed, if it did.
    public var error: ExchangeError?

    public init(connectDurations: [Duration], alreadyOpen: Int, error: ExchangeError?) {
        self.connectDurations = connectDurations
        self.alreadyOpen = alreadyOpen
        self.error = error
    }
}
