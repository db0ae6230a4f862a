/// ANSI styling, on only for a terminal, never with `NO_COLOR` set or `TERM=dumb` — unless `--color always|never`
/// says otherwise.
struct Style: Sendable {
    var enabled: Bool

    /// The style for standard output (or standard error) in this environment.
    static func detect(terminal: Bool, environment: [String: String] = ProcessEnvironment.current) -> Style {
        switch OutputSettings.now.color {
        case .always: return Style(enabled: true)
        case .never: return Style(enabled: false)
        case .auto: break
        }
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Style(enabled: terminal && !noColor && environment["TERM"] != "dumb")
    }

    func bold(_ text: String) -> String { wrap(text, "1") }
    func dim(_ text: String) -> String { wrap(text, "2") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func cyan(_ text: String) -> String { wrap(text, "36") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
