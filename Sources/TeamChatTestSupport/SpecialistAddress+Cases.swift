import TeamChatModel

extension SpecialistAddress {
    /// The host and port of a `tekton` address, `nil` for any other: for `try #require(…)`, so that a test whose
    /// fixture changed fails instead of passing by returning early.
    public var tektonEndpoint: (host: String, port: Int)? {
        if case .tekton(let host, let port) = self { (host, port) } else { nil }
    }

    /// The endpoint of an `openai` address, `nil` for any other (see ``tektonEndpoint``).
    public var openAIEndpoint: OpenAIEndpoint? {
        if case .openAI(let endpoint) = self { endpoint } else { nil }
    }
}
