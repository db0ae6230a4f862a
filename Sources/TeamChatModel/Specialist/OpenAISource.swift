/// An OpenAI-compatible API as a team source (`--openai URL`): one specialist per model it lists.
public struct OpenAISource: Sendable, Hashable, CustomStringConvertible {
    public var origin: HTTPOrigin
    /// Only models whose name matches (`--model GLOB`); `nil`: all.
    public var models: String?
    /// The environment variable holding the API key (`--api-key-env`), named, never read into anything kept.
    public var apiKeyVariable: String?

    public init(origin: HTTPOrigin, models: String? = nil, apiKeyVariable: String? = nil) {
        self.origin = origin
        self.models = models
        self.apiKeyVariable = apiKeyVariable
    }

    /// `http://127.0.0.1:11434/v1 model=llama* key=OLLAMA_KEY`: stable, so that the cache knows it again.
    public var description: String {
        var text = origin.description
        if let models { text += " model=\(models)" }
        if let apiKeyVariable { text += " key=\(apiKeyVariable)" }
        return text
    }

    /// Reads a ``description``.
    public init?(name: String) {
        var parts = name.split(separator: " ").map(String.init)
        guard !parts.isEmpty, let origin = HTTPOrigin(parsing: parts.removeFirst()) else { return nil }
        self.origin = origin
        for part in parts {
            if part.hasPrefix("model=") {
                models = String(part.dropFirst(6))
            } else if part.hasPrefix("key=") {
                apiKeyVariable = String(part.dropFirst(4))
            } else {
                return nil
            }
        }
    }

    /// The specialist for one model this source lists.
    public func specialist(model: String) -> Specialist {
        Specialist(
            id: model, address: .openAI(OpenAIEndpoint(origin: origin, model: model, apiKeyVariable: apiKeyVariable)),
            model: model)
    }
}
