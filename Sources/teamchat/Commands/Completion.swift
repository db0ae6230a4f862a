import ArgumentParser

/// `teamchat completion bash|zsh|fish`: the shell's completion script, on standard output (DESIGN §5).
struct Completion: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the completion script for bash, zsh or fish.",
        discussion: """
            Completes commands, flags, specialist ids (from --roster, the cache or the Tekton preset) and named \
            teams. Install it once:

            Examples:
              teamchat completion bash > ~/.local/share/bash-completion/completions/teamchat
              teamchat completion zsh > "${fpath[1]}/_teamchat"
              teamchat completion fish > ~/.config/fish/completions/teamchat.fish
            """)

    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash, zsh, fish
    }

    @Argument(help: "bash, zsh or fish.")
    var shell: Shell

    func run() throws {
        let script = TeamChat.completionScript(for: CompletionShell(rawValue: shell.rawValue) ?? .bash)
        Console.outRaw(script.hasSuffix("\n") ? script : script + "\n")
    }
}
