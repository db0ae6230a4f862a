#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Line output straight to the file descriptors: one `write(2)` per line, so every line is flushed the moment it
/// is complete (pipelines and `--json` consumers see events as they happen) and lines from concurrent writers
/// never interleave mid-line.
enum Console {
    /// Writes a line (a newline is added) to standard output.
    static func out(_ line: String) {
        write(line + "\n", to: STDOUT_FILENO)
    }

    /// Writes a line (a newline is added) to standard error.
    static func err(_ line: String) {
        write(line + "\n", to: STDERR_FILENO)
    }

    /// Writes raw text to standard error (for progress lines that rewrite themselves).
    static func errRaw(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                #if canImport(Darwin)
                let written = Darwin.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #else
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // EPIPE and friends: the reader went away; nothing useful to do
                }
                offset += written
            }
        }
    }

    /// Whether standard input, output or error is a terminal.
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
