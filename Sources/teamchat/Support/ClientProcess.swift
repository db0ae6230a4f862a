import ArgumentParser
import CMalloc
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a client command's process is set up, before anything uses NIO or allocates much.
enum ClientProcess {
    /// For any command but a ``ServerCommand``:
    /// - All I/O on one event loop: a round's exchanges, timers and consumer then share a thread, with no lock taken
    ///   by two threads and no wake-up of a second loop per round, and the other cores are left to the specialists
    ///   (which are often on the same machine). With `bench` consuming its rounds on that loop, a warm round to 18
    ///   took a fifth less time on 2 cores.
    ///   NIO_SINGLETON_GROUP_LOOP_COUNT, NIO's own setting, wins.
    /// - One malloc arena: glibc gives each thread that allocates an arena of its own, and the cache read on one
    ///   thread and written on another then held two heaps. `send` to 1,000 specialists peaked near 34 MB; now 30.
    ///   MALLOC_ARENA_MAX, glibc's own setting, wins.
    /// - Logs: nowhere. The engine, the pools and the bus log through swift-log, whose default would print them on
    ///   standard output, among the answers; a client command's output says what happened itself.
    static func configure(for command: any ParsableCommand) {
        guard !(command is any ServerCommand) else { return }
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
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
