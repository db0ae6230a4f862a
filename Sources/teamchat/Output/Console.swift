#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import TeamChatEngine
import TeamChatModel

/// Line output straight to the file descriptors: one `write(2)` per line, so every line is flushed the moment it
/// is complete (pipelines and `--json` consumers see events as they happen) and lines from concurrent writers
/// never interleave mid-line.
///
/// When the reader of standard output goes away (`teamchat send … | head -1`), teamchat stops at once and quietly,
/// as Unix tools do: it dies of the `SIGPIPE` it would have got had the signal not been ignored.
enum Console {
    /// Writes a line (a newline is added) to standard output.
    static func out(_ line: String) {
        write(line + "\n", to: STDOUT_FILENO)
    }

    /// Writes a message line (a newline is added) to standard error. Messages are the one boundary everything
    /// teamchat says about a team passes through: whatever a specialist or a file put in them (ids, errors) is
    /// sanitised here to one line, so nothing reaches the terminal unescaped.
    static func err(_ line: String) {
        write(TerminalSanitizer.sanitizeLine(line) + "\n", to: STDERR_FILENO)
    }

    /// Writes raw text to standard output (a live view that redraws itself).
    static func outRaw(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    /// The terminal's width, when standard output is one.
    static var terminalWidth: Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// The terminal's width, when standard error is one.
    static var errorTerminalWidth: Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Writes raw text to standard error (for progress lines that rewrite themselves).
    static func errRaw(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        let failure = text.withUTF8 { DescriptorWriter.write(UnsafeRawBufferPointer($0), to: descriptor) }
        if failure == EPIPE { readerWentAway() }  // anything else: nothing useful to do
    }

    /// Ends the process the way a Unix tool ends when its reader is gone.
    private static func readerWentAway() -> Never {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        _exit(141)  // not reached: the signal ends the process
    }

    /// Whether standard input, output or error is a terminal.
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
