import TeamChatModel

/// The Tekton "Greek Chorus": 18 specialists on well-known ports (DESIGN §4).
public enum TektonPreset {
    /// Names and default ports, in port order.
    public static let members: [(name: String, port: Int)] = [
        ("engram", 45000), ("hermes", 45001), ("ergon", 45002), ("rhetor", 45003), ("terma", 45004),
        ("athena", 45005), ("prometheus", 45006), ("harmonia", 45007), ("telos", 45008), ("synthesis", 45009),
        ("tekton_core", 45010), ("metis", 45011), ("apollo", 45012), ("penia", 45013), ("sophia", 45014),
        ("noesis", 45015), ("numa", 45016), ("hephaestus", 45080),
    ]

    /// The default port base; `TEKTON_AI_PORT_BASE` moves every port by the same offset.
    public static let defaultBase = 45000

    /// The roster for `host`, honouring `TEKTON_AI_PORT_BASE` and `<NAME>_AI_PORT` in `environment`.
    public static func roster(host: String = "127.0.0.1", environment: [String: String]) throws(RosterError)
        -> [Specialist]
    {
        var base = defaultBase
        if let text = environment["TEKTON_AI_PORT_BASE"] {
            guard let value = Int(text), (1...65535).contains(value) else {
                throw RosterError(.badSetting, "TEKTON_AI_PORT_BASE is not a port: '\(text)'")
            }
            base = value
        }
        return try members.map { (name, port) throws(RosterError) in
            let variable = "\(name.uppercased())_AI_PORT"
            var resolved = port - defaultBase + base
            if let text = environment[variable] {
                guard let value = Int(text), (1...65535).contains(value) else {
                    throw RosterError(.badSetting, "\(variable) is not a port: '\(text)'")
                }
                resolved = value
            }
            guard (1...65535).contains(resolved) else {
                throw RosterError(.badSetting, "TEKTON_AI_PORT_BASE=\(base) puts \(name) on port \(resolved)")
            }
            return .tekton(id: "\(name)-ai", host: host, port: resolved, component: name)
        }
    }
}
