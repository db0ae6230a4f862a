import TeamChatModel

extension RosterSource {
    /// Picks the source from flags and the environment; `nil` when none names one (then the source used last, else
    /// the Tekton preset).
    public static func select(
        rosterFile: String?,
        scan: ScanRange?,
        openAI: OpenAISource? = nil,
        environment: [String: String]
    ) throws(RosterError) -> RosterSource? {
        if let rosterFile { return .file(rosterFile) }
        if let scan { return .scan(scan) }
        if let openAI { return .openAI(openAI) }
        if let path = environment["TEAMCHAT_ROSTER"], !path.isEmpty { return .file(path) }
        if let text = environment["TEAMCHAT_SCAN"], !text.isEmpty {
            guard let range = ScanRange(parsing: text) else {
                throw RosterError(.badSetting, "TEAMCHAT_SCAN is not HOST:LOW-HIGH: '\(text)'")
            }
            return .scan(range)
        }
        return nil
    }
}
