import CLibEdit
import Dispatch
import NIOConcurrencyHelpers
import TeamChatModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a terminal with libedit: emacs-style editing, history kept across sessions, Tab completion
/// of `@ids` and `/commands`. libedit gets its characters from ``nextCharacter(_:)``, which waits on standard input
/// and an ``InputWaker`` together: Ctrl-C at the prompt ends the read (the line is dropped), and a bracketed paste
/// arrives as one line (``TerminalInputDecoder``).
final class LineEditor: @unchecked Sendable {
    // Safe: every libedit call (reads, the character and completion callbacks, history, teardown) and every use of
    // `decoder`, `queued` and `woken` runs on `queue`, a serial queue, so none of them is ever used from two threads at
    // once; `ids` and `prompt` are guarded by locks; `waker` is thread-safe.
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private let queue = DispatchQueue(label: "teamchat.prompt")
    private let ids: NIOLockedValueBox<[String]>
    private let prompt = NIOLockedValueBox("teamchat> ")
    private let waker: InputWaker
    private let bracketedPaste: Bool
    private var decoder = TerminalInputDecoder()
    private var queued: [Unicode.Scalar] = []
    /// Set when Ctrl-C woke a read: libedit in a Ctrl-R search takes the -1 for the end of input and returns no
    /// line with a count of 0, as for Ctrl-D — this tells the two apart.
    private var woken = false

    /// Whether libedit is installed (it is loaded at the first look, not at the process's start).
    static var isAvailable: Bool { teamchat_libedit_available() }

    /// `nil` when libedit is not installed or cannot start on this terminal.
    ///
    /// - Parameters:
    ///   - historyPath: where history is loaded from and saved to (mode 0600), or `nil` to keep none.
    ///   - ids: specialist ids for `@` completion.
    init?(historyPath: String?, ids: [String], environment: [String: String]) {
        guard let waker = InputWaker(), let editLine = teamchat_el_init("teamchat") else { return nil }
        guard let history = teamchat_history_init(1_000) else {
            teamchat_el_end(editLine)
            return nil
        }
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        self.ids = NIOLockedValueBox(ids)
        self.waker = waker
        self.bracketedPaste = environment["TERM"] != "dumb"
        teamchat_el_set_history(editLine, history)
        if let historyPath { _ = teamchat_history_load(history, historyPath) }
        teamchat_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        teamchat_el_bind_completion(editLine) { editLine, _ in
            guard let editLine, let data = teamchat_el_get_clientdata(editLine) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete(editLine)
        }
        teamchat_el_set_getc(editLine) { editLine, character in
            guard let editLine, let character, let data = teamchat_el_get_clientdata(editLine) else { return -1 }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().nextCharacter(character)
        }
    }

    /// The next line, without its newline.
    func readLine() async -> PromptInput {
        await withCheckedContinuation { continuation in
            queue.async {
                let prompt = self.prompt.withLockedValue { $0 }
                teamchat_set_prompt(prompt)
                // Bracketed paste only while the prompt reads: what rounds print is never affected.
                if self.bracketedPaste { Console.outRaw("\u{1B}[?2004h") }
                var count: Int32 = 0
                self.woken = false
                teamchat_el_prepare_terminal(self.editLine)
                let line = teamchat_el_gets(self.editLine, &count)
                if self.bracketedPaste { Console.outRaw("\u{1B}[?2004l") }
                guard let line, count > 0, !self.woken else {
                    self.decoder = TerminalInputDecoder()
                    self.queued = []
                    if count < 0 || self.woken {
                        // libedit keeps the line it was given so far; the next read must start empty.
                        teamchat_el_reset(self.editLine)
                        Console.outRaw("^C\n")
                        continuation.resume(returning: .interrupted)
                    } else {
                        continuation.resume(returning: .end)
                    }
                    return
                }
                var text = String(cString: line)
                while text.last == "\n" || text.last == "\r" { text.removeLast() }
                if !text.allSatisfy(\.isWhitespace) { teamchat_history_enter(self.history, text) }
                continuation.resume(returning: .line(text))
            }
        }
    }

    func interrupt() {
        waker.wake()
    }

    func setPrompt(_ prompt: String) {
        // libedit measures the prompt as bytes: keep it to printable ASCII.
        let ascii = String(prompt.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F ? Character($0) : "?" })
        self.prompt.withLockedValue { $0 = ascii }
    }

    /// Saves the history (mode 0600) and releases libedit.
    func close() {
        queue.sync {
            if let historyPath {
                let folder = historyPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
                try? FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let previous = umask(0o077)  // the file is created private, not merely chmod-ed after the fact
                _ = teamchat_history_save(history, historyPath)
                umask(previous)
                chmod(historyPath, 0o600)
            }
            teamchat_history_end(history)
            teamchat_el_end(editLine)
        }
    }

    /// Called by libedit (on `queue`) for each character: 1 with one, 0 at end of input, -1 when woken (Ctrl-C).
    private func nextCharacter(_ character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        while queued.isEmpty {
            switch waker.wait(for: STDIN_FILENO, milliseconds: decoder.hasPartial ? 30 : -1) {
            case .woken:
                woken = true
                errno = EINTR
                return -1
            case .timedOut:
                queued += decoder.flush()  // a lone Escape key, not the start of a sequence
            case .readable:
                var bytes = [UInt8](repeating: 0, count: 4_096)
                let count = read(STDIN_FILENO, &bytes, bytes.count)
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return -1
                }
                if count == 0 { return 0 }
                queued += decoder.feed(bytes.prefix(count))
            }
        }
        character.pointee = wchar_t(bitPattern: queued.removeFirst().value)
        return 1
    }

    /// Called by libedit (on `queue`) when Tab is pressed.
    private func complete(_ editLine: OpaquePointer) -> UInt8 {
        guard let info = teamchat_el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let typed = UnsafeRawBufferPointer(start: info.buffer, count: length)
        let line = String(decoding: typed, as: UTF8.self)
        let known = ids.withLockedValue { $0 }
        // Tab right after a completed `@id ` goes on with the list: the space becomes a comma.
        if PromptCompletion.continuesList(line: line, ids: known) {
            teamchat_el_deletestr(editLine, 1)
            _ = teamchat_el_insertstr(editLine, ",")
            return UInt8(CC_REFRESH)
        }
        let candidates = PromptCompletion.candidates(line: line, ids: known)
        let word = line.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let common = PromptCompletion.commonPrefix(candidates)
        var insertion = String(common.dropFirst(word.count))
        if candidates.count == 1 { insertion += " " }
        if !insertion.isEmpty {
            _ = teamchat_el_insertstr(editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        // Several candidates and nothing more in common: show them under the line.
        Console.out("\n" + candidates.map(TerminalSanitizer.sanitizeLine).joined(separator: "  "))
        return UInt8(CC_REDISPLAY)
    }
}

extension LineEditor: PromptReader {}
