import ArgumentParser

/// The process's entry point. `teamchat --version` is answered before the command tree is built: to parse anything,
/// ArgumentParser reflects over every subcommand's properties, which costs more than the rest of the start-up of a
/// command that does no I/O. A request for help and nothing else (``helpOnly(_:)``) is rendered without a parse too.
/// Everything else is parsed here (not in `TeamChat.main()`) so that usage errors can say what would be right:
/// ``UsageError``.
@main
enum Entry {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"], let version = TeamChat.version {
            print(version)
            return
        }
        if let help = helpOnly(arguments) {
            print(help)
            return
        }
        if let problem = UsageError.beforeParsing(arguments) {
            problem.split(separator: "\n").forEach { Console.err(String($0)) }
            TeamChat.exit(withError: ExitCode(ExitStatus.usage))
        }
        await run(arguments)
    }

    /// Parses `arguments`, runs the command and ends the process, all off the main actor. Returning to `main` would
    /// be a hop back to the main actor, whose queue dispatch drains on a thread of its own once the main thread is
    /// parked: a thread started only to end the process (0.2 ms of a one-shot `send`).
    nonisolated static func run(_ arguments: [String]) async -> Never {
        do {
            var command = try TeamChat.parseAsRoot(arguments)
            ClientProcess.configure(for: command)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            // A request for help is no usage error: its text is rendered once, by `exit`, not also for a look here
            // (rendering it twice made a fifth of `teamchat --help`).
            let asksForHelp = arguments.first == "help" || arguments.contains(where: isHelpFlag)
            if !asksForHelp, let message = UsageError.rewritten(error) {
                message.split(separator: "\n").forEach { Console.err(String($0)) }
                TeamChat.exit(withError: ExitCode(ExitStatus.usage))
            }
            TeamChat.exit(withError: error)
        }
        TeamChat.exit()
    }
}

extension Entry {
    /// The help screen when `arguments` ask for help and nothing else (`--help`, `-h`, `help`, each alone or with one
    /// command), rendered by ArgumentParser without parsing: the parse reflects over the command's properties and
    /// checks for a completion-script request first, half of what `teamchat --help` cost. The same text as a parse
    /// that meets `--help` among other arguments prints (a test holds the two to it). Otherwise nil.
    static func helpOnly(_ arguments: [String]) -> String? {
        switch arguments.count {
        case 1 where isHelpFlag(arguments[0]) || arguments[0] == "help":
            return TeamChat.helpMessage()
        case 2:
            let name = arguments[0] == "help" ? arguments[1] : isHelpFlag(arguments[1]) ? arguments[0] : nil
            guard let name, let command = TeamChat.configuration.subcommands.first(where: {
                $0.configuration.commandName == name
            }) else { return nil }
            return TeamChat.helpMessage(for: command)
        default:
            return nil
        }
    }

    /// ArgumentParser's help flags.
    static func isHelpFlag(_ argument: String) -> Bool {
        argument == "--help" || argument == "-h"
    }
}

extension TeamChat {
    /// What `--version` prints.
    static var version: String? {
        configuration.version.isEmpty ? nil : configuration.version
    }
}
