import TeamChatJSON

/// How a specialist is written in roster files and in the cache:
/// `{"id":"apollo-ai","transport":"tekton","host":"127.0.0.1","port":45012,"model":"…"}` or
/// `{"id":"llama","transport":"openai","url":"http://127.0.0.1:11434/v1","model":"llama3.2","api_key_env":"KEY",
/// "system":"…","max_tokens":512,"temperature":0.2,"headers":{"X-Team":"a"},"idle_timeout":4}`; any entry may say
/// `"context":"server"` (it keeps its own conversation: no thread is sent to it). `transport` may be
/// left out: an entry with `url` is an OpenAI-compatible specialist, one with `port` a Tekton one.
extension Specialist {
    /// The members a specialist entry may have.
    public static let jsonKeys: Set<String> = [
        "id", "transport", "host", "port", "model", "component", "description", "url", "api_key_env", "system",
        "max_tokens", "temperature", "headers", "idle_timeout", "bus", "bridge", "context",
    ]

    /// Reads an entry. `defaultHost` stands in for a missing `host` (roster files allow leaving it out).
    public init(json fields: JSONFields, defaultHost: String? = nil) throws(JSONFields.Problem) {
        let id = try fields.string("id")
        guard !id.isEmpty else { throw JSONFields.Problem(message: "'id' is empty") }
        guard !id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw JSONFields.Problem(message: "'id' contains control characters")
        }
        let transport =
            try fields.optionalString("transport")
            ?? (fields.members["url"] != nil ? TransportKind.openAI.name
                : fields.members["bus"] != nil ? TransportKind.bus.name : TransportKind.tekton.name)
        let address: SpecialistAddress
        let model = try fields.optionalString("model")
        switch transport {
        case TransportKind.openAI.name:
            let url = try fields.string("url")
            guard let origin = HTTPOrigin(parsing: url) else {
                throw JSONFields.Problem(message: "'url' is not an http:// or https:// URL: '\(url)'")
            }
            guard let model, !model.isEmpty else { throw JSONFields.Problem(message: "'model' is missing") }
            var headers: [String: String] = [:]
            var secretHeaders: [String: String] = [:]
            if let object = try fields.optionalObject("headers") {
                for key in object.members.keys {
                    guard Self.isHeaderSafe(key), !key.isEmpty else {
                        throw JSONFields.Problem(message: "header '\(key)' has characters a header cannot carry")
                    }
                    // `{"env": "VAR"}`: a secret, read from the environment when a request is made.
                    if let secret = try? object.optionalObject(key) {
                        let variable = try secret.string("env")
                        guard !variable.isEmpty, Self.isHeaderSafe(variable) else {
                            throw JSONFields.Problem(message: "header '\(key)': 'env' names no variable")
                        }
                        secretHeaders[key] = variable
                        continue
                    }
                    let value = try object.string(key)
                    guard Self.isHeaderSafe(value) else {
                        throw JSONFields.Problem(message: "header '\(key)' has characters a header cannot carry")
                    }
                    headers[key] = value
                }
            }
            let idle: Duration?
            switch fields.members["idle_timeout"] {
            case .string(let text)?:
                guard let parsed = Duration(parsing: text) else {
                    throw JSONFields.Problem(message: "'idle_timeout' is not a duration: '\(text)'")
                }
                idle = parsed
            default:
                idle = try fields.optionalNumber("idle_timeout", in: 0...86_400).flatMap(Duration.init(checkedSeconds:))
            }
            address = .openAI(
                OpenAIEndpoint(
                    origin: origin,
                    model: model,
                    apiKeyVariable: try fields.optionalString("api_key_env"),
                    system: try fields.optionalString("system"),
                    maxTokens: try fields.optionalInteger("max_tokens", in: 1...Int(Int32.max)),
                    temperature: try fields.optionalNumber("temperature", in: 0...10),
                    headers: headers,
                    secretHeaders: secretHeaders,
                    idleTimeout: idle
                ))
        case TransportKind.tekton.name:
            let host = try fields.optionalString("host") ?? defaultHost ?? ""
            guard !host.isEmpty else { throw JSONFields.Problem(message: "'host' is missing or empty") }
            address = .tekton(host: host, port: try fields.integer("port", in: 1...65535))
        case TransportKind.bus.name:
            let bus = try fields.string("bus")
            guard !bus.isEmpty else { throw JSONFields.Problem(message: "'bus' is empty") }
            address = .bus(BusAddress(bus: bus, bridge: try fields.optionalString("bridge") ?? ""))
        default:
            throw JSONFields.Problem(message: "unknown transport '\(transport)'")
        }
        self.init(
            id: id,
            address: address,
            model: model,
            component: try fields.optionalString("component"),
            description: try fields.optionalString("description")
        )
        switch try fields.optionalString("context") {
        case nil, "client": keepsOwnContext = false
        case "server": keepsOwnContext = true
        case let other?:
            throw JSONFields.Problem(message: "'context' is \"client\" (teamchat sends the thread) or \"server\", not '\(other)'")
        }
    }

    /// Whether text can go in an HTTP header as it is (no control characters: no header injection).
    static func isHeaderSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
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
            object.add("model", model)
        case .bus(let bus):
            object.add("transport", TransportKind.bus.name)
            object.add("bus", bus.bus)
            object.add("bridge", bus.bridge)
            object.add("model", model)
        case .openAI(let endpoint):
            // The key's variable name only: the key itself is never written anywhere.
            object.add("transport", TransportKind.openAI.name)
            object.add("url", endpoint.origin.description)
            object.add("model", endpoint.model)
            object.add("api_key_env", endpoint.apiKeyVariable)
            object.add("system", endpoint.system)
            object.add("max_tokens", endpoint.maxTokens)
            object.add("temperature", endpoint.temperature)
            if !endpoint.headers.isEmpty || !endpoint.secretHeaders.isEmpty {
                var headers = JSONObjectWriter()
                for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) { headers.add(name, value) }
                // A secret header's variable only, as for the key.
                for (name, variable) in endpoint.secretHeaders.sorted(by: { $0.key < $1.key }) {
                    var secret = JSONObjectWriter()
                    secret.add("env", variable)
                    headers.add(name, object: secret)
                }
                object.add("headers", object: headers)
            }
            object.add("idle_timeout", endpoint.idleTimeout?.seconds)
        }
        object.add("component", component)
        object.add("description", description)
        if keepsOwnContext { object.add("context", "server") }
        return object
    }
}
