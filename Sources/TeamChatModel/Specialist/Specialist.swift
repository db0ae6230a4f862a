/// One specialist of a team: an id people address it by, and where it is.
public struct Specialist: Sendable, Hashable {
    /// The id people address it by, e.g. `apollo-ai`.
    public var id: String
    public var address: SpecialistAddress
    /// What the specialist said about itself, when known.
    public var model: String?
    public var component: String?
    public var description: String?
    /// It keeps its own conversation (roster `"context":"server"`): no thread of earlier turns is sent to it.
    public var keepsOwnContext = false
    /// Sampling temperature and reply length sent to it when a round names none (a named team's override, DESIGN
    /// §10; an OpenAI-compatible member keeps its own in its endpoint).
    public var temperature: Double?
    public var maxTokens: Int?

    public init(
        id: String,
        address: SpecialistAddress,
        model: String? = nil,
        component: String? = nil,
        description: String? = nil
    ) {
        self.id = id
        self.address = address
        self.model = model
        self.component = component
        self.description = description
    }

    /// A Tekton socket specialist.
    public static func tekton(
        id: String, host: String, port: Int, model: String? = nil, component: String? = nil,
        description: String? = nil
    ) -> Specialist {
        Specialist(
            id: id, address: .tekton(host: host, port: port), model: model, component: component,
            description: description)
    }
}
