import TeamChatJSON
import TeamChatModel

/// Resolves `--to` / `--exclude` names against a roster. A name matches an id exactly or by its base name:
/// `apollo`, `apollo-ai` and `apollo-ci` all name `apollo-ai` (Tekton uses both suffixes).
public enum SpecialistSelector {
    /// Splits repeatable, comma-separated flag values into names.
    public static func names(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { String($0).trimmed }.filter { !$0.isEmpty }
    }

    /// The roster narrowed to `include` (all when empty) minus `exclude`, in roster order.
    /// - Throws: a ``RosterError`` naming every unknown name.
    public static func select(
        _ roster: [Specialist],
        include: [String],
        exclude: [String]
    ) throws(RosterError) -> [Specialist] {
        let unknown = (include + exclude).filter { name in !roster.contains { matches($0.id, name) } }
        if !unknown.isEmpty {
            let known = roster.map(\.id).joined(separator: ", ")
            throw RosterError(.badSetting, "unknown specialist\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")) (known: \(known))")
        }
        return roster.filter { specialist in
            (include.isEmpty || include.contains { matches(specialist.id, $0) })
                && !exclude.contains { matches(specialist.id, $0) }
        }
    }

    /// Whether `name` names the specialist `id`.
    public static func matches(_ id: String, _ name: String) -> Bool {
        id.lowercased() == name.lowercased() || baseName(id) == baseName(name)
    }

    static func baseName(_ text: String) -> String {
        let lower = text.lowercased()
        for suffix in ["-ai", "-ci"] where lower.hasSuffix(suffix) {
            return String(lower.dropLast(suffix.count))
        }
        return lower
    }
}
