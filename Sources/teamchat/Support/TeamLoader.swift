import ArgumentParser
import TeamChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns the discovery options into a roster: reads the file, scans, or builds the Tekton preset.
enum TeamLoader {
    /// Resolves the team through the directory (cache, discovery), turning roster trouble into exit statuses:
    /// a bad roster file is 65, a bad environment variable 64, an empty team 69.
    static func resolve(_ directory: TeamDirectory) async throws -> TeamDirectory.Resolution {
        let resolution: TeamDirectory.Resolution
        do {
            resolution = try await directory.resolve()
        } catch {
            if case .file = directory.source { throw fail(ExitStatus.badInput, error.message) }
            throw fail(ExitStatus.usage, error.message)
        }
        if resolution.roster.isEmpty {
            if case .scan(let range) = directory.source {
                throw fail(ExitStatus.unavailable, "no specialist answered on \(range)")
            }
            throw fail(ExitStatus.unavailable, "the roster is empty")
        }
        return resolution
    }

    /// Narrows the roster by `--to` and `--exclude`.
    static func select(_ roster: [Specialist], to: [String], exclude: [String]) throws -> [Specialist] {
        do {
            return try SpecialistSelector.select(
                roster,
                include: SpecialistSelector.names(to),
                exclude: SpecialistSelector.names(exclude)
            )
        } catch {
            throw fail(ExitStatus.usage, error.message)
        }
    }

    /// Makes room for one descriptor per specialist, warning when it cannot.
    static func ensureDescriptors(for count: Int) {
        switch DescriptorLimit.ensure(DescriptorLimit.needed(forSpecialists: count)) {
        case .sufficient, .raised:
            break
        case .insufficient(let needed, let hard):
            Console.err(
                "teamchat: warning: \(count) specialists need about \(needed) open files, but the limit is \(hard) "
                    + "(raise it with 'ulimit -n'); some connections will fail"
            )
        }
    }
}
