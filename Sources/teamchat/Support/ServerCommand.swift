/// A command that serves many clients at once (`serve`, `bridge`, `fleet`): its I/O is spread over one event loop
/// per core, and every thread allocates from a malloc arena of its own.
///
/// Every other command is one client, shaped as one: see ``ClientProcess``.
protocol ServerCommand {}
