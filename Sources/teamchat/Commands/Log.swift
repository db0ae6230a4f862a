import ArgumentParser
import Foundation
import TeamChatJSON
import TeamChatLog
import TeamChatModel

/// `teamchat log`: the rounds the round log kept (DESIGN §9).
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the rounds teamchat kept: recent ones, one in full, or those that mention something.",
        discussion: """
            Every round send runs (one-shot, standard input and the prompt; directly, over the bus or through a \
            gateway), and every round serve runs for its HTTP and WebSocket clients, is kept in an SQLite \
            database: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db. \
            send --no-log (or TEAMCHAT_NO_LOG=1) keeps none. API keys and tokens are never stored.

            Examples:
              teamchat log
              teamchat log --since 1h --json
              teamchat log show 3fa9c2
              teamchat log search "connection pool"
              teamchat log export --format md --conversation design > design.md
              teamchat log prune --older-than 30d
            """,
        subcommands: [Recent.self, Show.self, Search.self, Export.self, Prune.self],
        defaultSubcommand: Recent.self
    )

    /// Which log: what every `log` subcommand takes.
    struct File: ParsableArguments {
        @Option(name: .customLong("log"), help: ArgumentHelp("The round log (default: $TEAMCHAT_LOG, else $XDG_DATA_HOME/teamchat/log.db).", valueName: "file"))
        var path: String?

        /// The log, opened; exits 69 when there is none yet (never creates one to show nothing).
        func open() throws -> RoundLog {
            let environment = ProcessInfo.processInfo.environment
            guard let path = path ?? RoundLog.defaultPath(environment: environment.filter { $0.key != "TEAMCHAT_NO_LOG" })
            else { throw fail(ExitStatus.unavailable, "no round log: set HOME or TEAMCHAT_LOG") }
            guard RoundLog.exists(at: path) else {
                throw fail(ExitStatus.unavailable, "no round log at \(path) yet: rounds are kept once send runs one")
            }
            do {
                let (log, movedAside) = try RoundLog.open(at: path)
                if let movedAside { Warnings.warn("the round log \(path) was damaged: moved to \(movedAside)") }
                return log
            } catch {
                throw fail(ExitStatus.badInput, error.description)
            }
        }
    }

    /// Options the listing subcommands share: the log, and how rounds are printed.
    struct Common: ParsableArguments {
        @OptionGroup var file: File

        @Flag(name: .long, help: "Print NDJSON: one object per round (with its answers for show).")
        var json = false

        func open() throws -> RoundLog { try file.open() }

        func print(_ rounds: [LoggedRound]) {
            if json {
                for round in rounds { round.json.write() }
                return
            }
            guard !rounds.isEmpty else { return }
            Console.out("TIME                 ROUND     REPLIED  MESSAGE")
            for round in rounds {
                let replied = "\(round.replied)/\(round.addressed)" + (round.interrupted ? "!" : "")
                let message = TerminalSanitizer.sanitizeLine(round.message)
                Console.out(
                    Self.time(round.startedAt) + "  " + String(round.id.prefix(8)) + "  "
                        + Formatting.padded(replied, to: 7) + "  " + String(message.prefix(60)))
            }
        }

        /// Seconds since 1970, `duration` ago.
        static func secondsAgo(_ duration: DurationArgument) -> Double {
            Date().timeIntervalSince1970 - Formatting.milliseconds(duration.duration) / 1000
        }

        /// Local time, `2026-12-05 17:42:03`.
        static func time(_ secondsSince1970: Double) -> String {
            var seconds = time_t(secondsSince1970)
            var parts = tm()
            localtime_r(&seconds, &parts)
            var buffer = [CChar](repeating: 0, count: 32)
            let count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
            return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    struct Recent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recent",
            abstract: "The most recent rounds, newest first (the default).",
            discussion: """
                Examples:
                  teamchat log recent --limit 5
                  teamchat log --since 30m --json
                """)

        @OptionGroup var common: Common

        @Option(name: .long, help: "How many rounds at most.")
        var limit = 20

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Only rounds this recent (e.g. 30m, 2h).", valueName: "duration"))
        var since: DurationArgument?

        @Option(name: .long, help: ArgumentHelp("Only this conversation's rounds, oldest first.", valueName: "id"))
        var conversation: String?

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let log = try common.open()
            let cutoff = since.map { Common.secondsAgo($0) }
            do {
                if let conversation {
                    common.print(try log.conversation(conversation).filter { $0.startedAt >= cutoff ?? 0 }.suffix(limit)
                        .map { var round = $0; round.answers = []; return round })
                } else {
                    common.print(try log.recent(limit: limit, since: cutoff))
                }
            } catch {
                throw fail(ExitStatus.badInput, error.description)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "One round in full: the message and every specialist's answer or failure.",
            discussion: """
                Examples:
                  teamchat log show 3fa9c2
                  teamchat log show 3fa9c2 --json
                """)

        @OptionGroup var common: Common

        @Argument(help: ArgumentHelp("The round's id, or the start of it.", valueName: "id"))
        var id: String

        func validate() throws {
            guard !id.isEmpty, id.allSatisfy(\.isHexDigit) else {
                throw ValidationError("'\(id)' is not a round id (hexadecimal digits, as 'teamchat log' shows them)")
            }
        }

        func run() async throws {
            let log = try common.open()
            let found: LoggedRound?
            do {
                found = try log.round(id)
            } catch {
                throw fail(ExitStatus.usage, error.description)
            }
            guard let round = found else { throw fail(ExitStatus.badInput, "no round \(id) in \(log.path)") }
            if common.json { return round.json.write() }
            Console.out("round \(round.id)  \(Common.time(round.startedAt))  \(round.replied)/\(round.addressed) replied"
                + "  \(Formatting.fixed(round.elapsedMS, 1)) ms  \(TerminalSanitizer.sanitizeLine(round.source)) via \(round.via)"
                + (round.interrupted ? "  (interrupted)" : ""))
            Console.out("> " + TerminalSanitizer.sanitizeLine(round.message))
            for answer in round.answers {
                let id = TerminalSanitizer.sanitizeLine(answer.specialist)
                if answer.success {
                    Console.out("\(id): " + TerminalSanitizer.sanitizeLine(answer.content ?? ""))
                } else {
                    Console.out("\(id): \(answer.errorKind ?? "failed"): " + TerminalSanitizer.sanitizeLine(answer.error ?? ""))
                }
            }
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "The rounds whose message or answers contain some words (full-text, newest first).",
            discussion: """
                Examples:
                  teamchat log search deadline
                  teamchat log search "connection pool" --json
                """)

        @OptionGroup var common: Common

        @Argument(help: ArgumentHelp("The words, searched for as one phrase.", valueName: "text"))
        var text: String

        @Option(name: .long, help: "How many rounds at most.")
        var limit = 20

        func validate() throws {
            if text.allSatisfy(\.isWhitespace) { throw ValidationError("give the words to search for") }
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let log = try common.open()
            do {
                common.print(try log.search(text, limit: limit))
            } catch {
                throw fail(ExitStatus.badInput, error.description)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Every round with every answer, oldest first: NDJSON, CSV (one row per answer) or Markdown.",
            discussion: """
                Examples:
                  teamchat log export > rounds.jsonl
                  teamchat log export --format csv --since 7d > answers.csv
                  teamchat log export --format md --conversation design > design.md
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case jsonl, csv, md
        }

        @OptionGroup var file: File

        @Option(name: .long, help: "jsonl (the default), csv or md.")
        var format: Format = .jsonl

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Only rounds this recent (e.g. 7d, 2h).", valueName: "duration"))
        var since: DurationArgument?

        @Option(name: .long, help: ArgumentHelp("Only this conversation.", valueName: "id"))
        var conversation: String?

        func run() async throws {
            let log = try file.open()
            let kept: [LoggedRound]
            do {
                let cutoff = since.map { Common.secondsAgo($0) }
                if let conversation {
                    kept = try log.conversation(conversation).filter { $0.startedAt >= cutoff ?? 0 }
                } else {
                    kept = try log.everything(since: cutoff)
                }
            } catch {
                throw fail(ExitStatus.badInput, error.description)
            }
            // Redirected, the export is the data as it was said; on a terminal, what a specialist sent is shown
            // escaped, as everywhere else (NDJSON is escaped by being JSON).
            let rounds = Console.stdoutIsTerminal ? kept.map(Self.escaped) : kept
            switch format {
            case .jsonl:
                for round in rounds { round.json.write() }
            case .csv:
                Console.out("round_id,conversation,started_at,message,specialist_id,success,content,error_kind,error,elapsed_ms,model")
                for round in rounds {
                    for answer in round.answers {
                        Console.out([
                            round.id, round.conversation ?? "", Common.time(round.startedAt), round.message,
                            answer.specialist, answer.success ? "true" : "false", answer.content ?? "",
                            answer.errorKind ?? "", answer.error ?? "", answer.latencyMS.map { Formatting.fixed($0, 3) } ?? "",
                            answer.model ?? "",
                        ].map(Self.csvField).joined(separator: ","))
                    }
                }
            case .md:
                for round in rounds {
                    Console.out("## \(Common.time(round.startedAt)) · round \(round.id.prefix(8))"
                        + (round.conversation.map { " · conversation \($0)" } ?? ""))
                    Console.out("")
                    Console.out(round.message.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n"))
                    Console.out("")
                    for answer in round.answers {
                        if answer.success {
                            Console.out("**\(answer.specialist)**: \(answer.content ?? "")")
                        } else {
                            Console.out("**\(answer.specialist)**: _\(answer.errorKind ?? "failed"): \(answer.error ?? "")_")
                        }
                        Console.out("")
                    }
                }
            }
        }

        /// `round` with everything a person or a specialist wrote escaped for a terminal.
        static func escaped(_ round: LoggedRound) -> LoggedRound {
            var round = round
            round.message = TerminalSanitizer.sanitize(round.message)
            round.source = TerminalSanitizer.sanitizeLine(round.source)
            for index in round.answers.indices {
                round.answers[index].specialist = TerminalSanitizer.sanitizeLine(round.answers[index].specialist)
                round.answers[index].content = round.answers[index].content.map(TerminalSanitizer.sanitize)
                round.answers[index].error = round.answers[index].error.map(TerminalSanitizer.sanitizeLine)
                round.answers[index].model = round.answers[index].model.map(TerminalSanitizer.sanitizeLine)
            }
            return round
        }

        /// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; quotes doubled.
        static func csvField(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
                return text
            }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Remove the rounds older than a duration, with their answers.",
            discussion: """
                Examples:
                  teamchat log prune --older-than 30d
                """)

        @OptionGroup var file: File

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Remove rounds older than this (e.g. 30d, 12h).", valueName: "duration"))
        var olderThan: DurationArgument

        func run() async throws {
            let log = try file.open()
            do {
                let removed = try log.prune(before: Common.secondsAgo(olderThan))
                Console.err("teamchat: removed \(removed) round\(removed == 1 ? "" : "s") from \(log.path)")
            } catch {
                throw fail(ExitStatus.badInput, error.description)
            }
        }
    }
}
