import ArgumentParser
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command that serves many clients at once (`serve`, `bridge`, `fleet`): its I/O is spread over one event loop
/// per core.
///
/// Every other command is one client, and does all its I/O on one event loop: a round's exchanges, timers and
/// consumer then share a thread, with no lock taken by two threads and no wake-up of a second loop per round, and
/// the other cores are left to the specialists (which are often on the same machine). On 2 cores this made a warm
/// round to 18 about a quarter faster.
protocol ServerCommand {}

enum EventLoops {
    /// Sets the number of NIO's shared event loops for `command`'s process: before anything uses them.
    static func configure(for command: any ParsableCommand) {
        // NIO_SINGLETON_GROUP_LOOP_COUNT, NIO's own setting, wins.
        guard !(command is any ServerCommand), getenv("NIO_SINGLETON_GROUP_LOOP_COUNT") == nil else { return }
        NIOSingletons.groupLoopCountSuggestion = 1
    }
}
