import Logging

/// Logging for the long-running commands (`serve`, `bridge`): lines on standard error at the level `--log-level`
/// names. Client commands log nowhere (``ClientProcess``).
enum ServerLogging {
    /// Sets logging up for the process (once) and returns the command's logger.
    static func bootstrap(level: Logger.Level, label: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}
