import TeamChatModel

/// What a specialist says about itself in `info_response`.
public struct WireInfo: Sendable, Hashable {
    public var aiID: String?
    public var component: String?
    public var description: String?
    public var modelProvider: String?
    public var modelName: String?
    public var port: Int?

    public init(
        aiID: String? = nil, component: String? = nil, description: String? = nil, modelProvider: String? = nil,
        modelName: String? = nil, port: Int? = nil
    ) {
        self.aiID = aiID
        self.component = component
        self.description = description
        self.modelProvider = modelProvider
        self.modelName = modelName
        self.port = port
    }

    /// The neutral form.
    public var specialistInfo: SpecialistInfo {
        SpecialistInfo(
            id: aiID, component: component, description: description, modelProvider: modelProvider, model: modelName)
    }
}
