import ArgumentParser
import NIOConcurrencyHelpers
import TeamChatEngine

/// `--color`, `-q/--quiet` and `-v/--verbose`: how much a command says, and in what colour (DESIGN §3).
struct OutputOptions: ParsableArguments {
    enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
        case auto, always, never
    }

    @Option(name: .long, help: ArgumentHelp("Colour: auto (a terminal, without NO_COLOR or TERM=dumb), always or never.", valueName: "when"))
    var color: ColorChoice = .auto

    @Flag(name: [.customShort("q"), .long], help: "Nothing on standard error but errors: no warnings, no waiting line.")
    var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "Show each exchange on standard error as curl -v does: '>' what was sent (HTTP request heads, Tekton request lines), '<' what came back (response heads, a reply's start); credentials redacted. The exchanges of this process: through a running gateway, add --direct to see each specialist's.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose contradict each other") }
    }

    /// Makes these the process's settings (a command calls it first thing in `run`).
    func apply() {
        OutputSettings.current.withLockedValue { $0 = OutputSettings(color: color, quiet: quiet, verbose: verbose) }
    }
}

/// The process's output settings, set once by the running command.
struct OutputSettings: Sendable {
    var color: OutputOptions.ColorChoice = .auto
    var quiet = false
    var verbose = false

    /// Where `-v` writes each exchange (standard error), when it was given.
    var trace: ExchangeTrace? {
        verbose ? ExchangeTrace { Console.err($0) } : nil
    }

    static let current = NIOLockedValueBox(OutputSettings())
    static var now: OutputSettings { current.withLockedValue { $0 } }
}
