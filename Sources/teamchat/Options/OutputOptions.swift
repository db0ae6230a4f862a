import ArgumentParser
import NIOConcurrencyHelpers

/// `--color` and `-q/--quiet`: how much a command says, and in what colour (DESIGN §3).
struct OutputOptions: ParsableArguments {
    enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
        case auto, always, never
    }

    @Option(name: .long, help: ArgumentHelp("Colour: auto (a terminal, without NO_COLOR or TERM=dumb), always or never.", valueName: "when"))
    var color: ColorChoice = .auto

    @Flag(name: [.customShort("q"), .long], help: "Nothing on standard error but errors: no warnings, no waiting line.")
    var quiet = false

    /// Makes these the process's settings (a command calls it first thing in `run`).
    func apply() {
        OutputSettings.current.withLockedValue { $0 = OutputSettings(color: color, quiet: quiet) }
    }
}

/// The process's output settings, set once by the running command.
struct OutputSettings: Sendable {
    var color: OutputOptions.ColorChoice = .auto
    var quiet = false

    static let current = NIOLockedValueBox(OutputSettings())
    static var now: OutputSettings { current.withLockedValue { $0 } }
}
