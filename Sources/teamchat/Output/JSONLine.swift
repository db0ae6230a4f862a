import TeamChatJSON

extension JSONObjectWriter {
    /// Writes the object as one line on standard output.
    func write() {
        Console.out(string)
    }
}
