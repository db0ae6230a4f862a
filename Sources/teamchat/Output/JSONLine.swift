import TeamChatCore

/// One NDJSON event: a ``JSONObjectWriter`` written as one line on standard output.
typealias JSONLine = JSONObjectWriter

extension JSONObjectWriter {
    /// Writes the object as one line on standard output.
    func write() {
        Console.out(string)
    }
}
