/// The process's entry point. `teamchat --version` is answered before the command tree is built: to parse anything,
/// ArgumentParser reflects over every subcommand's properties, which costs more than the rest of the start-up of a
/// command that does no I/O. Everything else goes to ``TeamChat``.
@main
enum Entry {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.count == 1, arguments.first == "--version", let version = TeamChat.version {
            print(version)
            return
        }
        await TeamChat.main()
    }
}

extension TeamChat {
    /// What `--version` prints.
    static var version: String? {
        configuration.version.isEmpty ? nil : configuration.version
    }
}
