import ArgumentParser
import TeamChatModel

/// A duration flag value: `2`, `2s`, `500ms`, `1.5s`, `1m30s`, `1h`. Options take it with
/// `parsing: .unconditional`, so that `-1s` is a value (answered "must not be negative" by ``UsageError``) rather
/// than taken for a flag and reported as a missing value.
struct DurationArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var duration: Duration

    init(_ duration: Duration) {
        self.duration = duration
    }

    init?(argument: String) {
        guard let duration = Duration(parsing: argument) else { return nil }
        self.duration = duration
    }

    var description: String {
        let milliseconds = duration.milliseconds
        return milliseconds < 1_000 || milliseconds.truncatingRemainder(dividingBy: 1_000) != 0
            ? "\(Int(milliseconds))ms" : "\(Int(milliseconds / 1_000))s"
    }

    var defaultValueDescription: String { description }
}

/// A byte-count flag value: `16MiB`, `64KiB`, `1048576`.
struct ByteCountArgument: ExpressibleByArgument, Sendable {
    var bytes: Int

    init(bytes: Int) {
        self.bytes = bytes
    }

    init?(argument: String) {
        guard let bytes = ByteCount.parse(argument) else { return nil }
        self.bytes = bytes
    }

    var defaultValueDescription: String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20)MiB" : bytes % (1 << 10) == 0 ? "\(bytes >> 10)KiB" : "\(bytes)"
    }
}

extension ScanRange: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}
