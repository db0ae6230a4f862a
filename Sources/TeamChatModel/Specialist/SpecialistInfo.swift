/// What a specialist says about itself when probed.
public struct SpecialistInfo: Sendable, Hashable {
    /// The id it calls itself (Tekton's `ai_id`).
    public var id: String?
    public var component: String?
    public var description: String?
    public var modelProvider: String?
    public var model: String?

    public init(
        id: String? = nil,
        component: String? = nil,
        description: String? = nil,
        modelProvider: String? = nil,
        model: String? = nil
    ) {
        self.id = id
        self.component = component
        self.description = description
        self.modelProvider = modelProvider
        self.model = model
    }
}
