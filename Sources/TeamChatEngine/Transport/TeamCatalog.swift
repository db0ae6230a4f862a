import TeamChatModel
/// A transport that can list a team itself (DESIGN §4): an OpenAI-compatible API's models, a bus's presence
/// registry. Discovery asks it instead of probing candidates one by one.
public protocol TeamCatalog: Sendable {
    /// The specialists `source` names, found within `options`' budgets; `nil` when this transport does not serve
    /// that kind of source.
    func members(of source: RosterSource, options: RoundOptions) async -> Result<[Specialist], ExchangeError>?
}
