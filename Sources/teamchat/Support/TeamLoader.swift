import ArgumentParser
import TeamChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns the discovery options into a roster: reads the file, scans, or builds the Tekton preset.
enum TeamLoader {
    static func load(
        _ discovery: DiscoveryOptions,
        client: TeamClient,
        probe: RoundOptions
    ) async throws -> [Specialist] {
        let source: RosterSource
        do {
            source = try discovery.source()
        } catch {
            throw fail(ExitStatus.usage, error.message)
        }
        switch source {
        case .file(let path):
            do {
                return try RosterFile.load(path: path)
            } catch {
                throw fail(ExitStatus.badInput, error.message)
            }
        case .scan(let range):
            let found = await Discovery.scan(range, client: client, options: probe)
            if found.isEmpty {
                throw fail(ExitStatus.unavailable, "no specialist answered on \(range)")
            }
            return found
        case .tekton:
            do {
                return try TektonPreset.roster(environment: ProcessInfo.processInfo.environment)
            } catch {
                throw fail(ExitStatus.usage, error.message)
            }
        }
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
