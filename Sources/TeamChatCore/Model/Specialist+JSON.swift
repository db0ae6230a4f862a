/// How a specialist is written in roster files and in the cache:
/// `{"id":"apollo-ai","transport":"tekton","host":"127.0.0.1","port":45012,"model":"…"}`. `transport` may be left
/// out: an entry with `host` and `port` is a Tekton specialist.
extension Specialist {
    /// The members a specialist entry may have.
    public static let jsonKeys: Set<String> = ["id", "transport", "host", "port", "model", "component", "description"]

    /// Reads an entry. `defaultHost` stands in for a missing `host` (roster files allow leaving it out).
    public init(json fields: JSONFields, defaultHost: String? = nil) throws(JSONFields.Problem) {
        let id = try fields.string("id")
        guard !id.isEmpty else { throw JSONFields.Problem(message: "'id' is empty") }
        guard !id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw JSONFields.Problem(message: "'id' contains control characters")
        }
        let transport = try fields.optionalString("transport") ?? TransportKind.tekton.name
        let address: SpecialistAddress
        switch transport {
        case TransportKind.tekton.name:
            let host = try fields.optionalString("host") ?? defaultHost ?? ""
            guard !host.isEmpty else { throw JSONFields.Problem(message: "'host' is missing or empty") }
            address = .tekton(host: host, port: try fields.integer("port", in: 1...65535))
        default:
            throw JSONFields.Problem(message: "unknown transport '\(transport)'")
        }
        self.init(
            id: id,
            address: address,
            model: try fields.optionalString("model"),
            component: try fields.optionalString("component"),
            description: try fields.optionalString("description")
        )
    }

    /// The entry.
    public var json: JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("id", id)
        switch address {
        case .tekton(let host, let port):
            object.add("transport", TransportKind.tekton.name)
            object.add("host", host)
            object.add("port", port)
        }
        object.add("model", model)
        object.add("component", component)
        object.add("description", description)
        return object
    }
}
