import ArgumentParser
import CMalloc
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command that serves many clients at once (`serve`, `bridge`, `fleet`): its I/O is spread over one event loop
/// per core, and every thread allocates from a malloc arena of its own.
///
/// Every other command is one client, shaped as one: see ``ClientProcess``.
protocol ServerCommand {}

/// How a client command's process is set up, before anything uses NIO or allocates much.
enum ClientProcess {
    /// For any command but a ``ServerCommand``:
    /// - All I/O on one event loop: a round's exchanges, timers and consumer then share a thread, with no lock taken
    ///   by two threads and no wake-up of a second loop per round, and the other cores are left to the specialists
    ///   (which are often on the same machine). On 2 cores this made a warm round to 18 about a quarter faster.
    ///   NIO_SINGLETON_GROUP_LOOP_COUNT, NIO's own setting, wins.
    /// - One malloc arena: glibc gives each thread that allocates an arena of its own, and the cache read on one
    ///   thread and written on another then held two heaps. `send` to 1,000 specialists peaked at 34 MB; now 28.
    ///   MALLOC_ARENA_MAX, glibc's own setting, wins.
    static func configure(for command: any ParsableCommand) {
        guard !(command is any ServerCommand) else { return }
        if getenv("NIO_SINGLETON_GROUP_LOOP_COUNT") == nil {
            NIOSingletons.groupLoopCountSuggestion = 1
        }
        #if os(Linux)
        if getenv("MALLOC_ARENA_MAX") == nil {
            _ = mallopt(M_ARENA_MAX, 1)
        }
        #endif
    }
}
