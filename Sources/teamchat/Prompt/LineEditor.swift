import CLibEdit
import TeamChatCore
import Dispatch
import NIOConcurrencyHelpers

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
/// of `@ids` and `/commands`.
final class LineEditor: @unchecked Sendable {
    // Safe: every libedit call (reads, the completion callback, history, teardown) runs on `queue`, a serial
    // queue, so the two libedit objects are never used from two threads at once; `ids` is guarded by a lock.
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private let queue = DispatchQueue(label: "teamchat.prompt")
    private let ids: NIOLockedValueBox<[String]>

    /// - Parameters:
    ///   - historyPath: where history is loaded from and saved to (mode 0600), or `nil` to keep none.
    ///   - ids: specialist ids for `@` completion.
    init?(historyPath: String?, ids: [String]) {
        guard let editLine = teamchat_el_init("teamchat") else { return nil }
        guard let history = teamchat_history_init(1_000) else {
            el_end(editLine)
            return nil
        }
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        self.ids = NIOLockedValueBox(ids)
        teamchat_el_set_history(editLine, history)
        if let historyPath { _ = teamchat_history_load(history, historyPath) }
        teamchat_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        teamchat_el_bind_completion(editLine) { editLine, _ in
            guard let editLine, let data = teamchat_el_get_clientdata(editLine) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete(editLine)
        }
    }

    /// The next line, without its newline; `nil` at end of input (Ctrl-D).
    func readLine() async -> String? {
        await withCheckedContinuation { continuation in
            queue.async {
                var count: Int32 = 0
                guard let line = el_gets(self.editLine, &count), count > 0 else {
                    continuation.resume(returning: nil)
                    return
                }
                var text = String(cString: line)
                while text.last == "\n" || text.last == "\r" { text.removeLast() }
                if !text.allSatisfy(\.isWhitespace) { teamchat_history_enter(self.history, text) }
                continuation.resume(returning: text)
            }
        }
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
            history_end(history)
            el_end(editLine)
        }
    }

    /// Called by libedit (on `queue`) when Tab is pressed.
    private func complete(_ editLine: OpaquePointer) -> UInt8 {
        guard let info = el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let typed = UnsafeRawBufferPointer(start: info.buffer, count: length)
        let line = String(decoding: typed, as: UTF8.self)
        let candidates = PromptCompletion.candidates(line: line, ids: ids.withLockedValue { $0 })
        let word = line.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let common = PromptCompletion.commonPrefix(candidates)
        var insertion = String(common.dropFirst(word.count))
        if candidates.count == 1 { insertion += " " }
        if !insertion.isEmpty {
            _ = el_insertstr(editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        // Several candidates and nothing more in common: show them under the line.
        Console.out("\n" + candidates.map(TerminalSanitizer.sanitizeLine).joined(separator: "  "))
        return UInt8(CC_REDISPLAY)
    }
}
