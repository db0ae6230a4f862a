import TeamChatRoster

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Shell completion of specialist ids: from the `--roster` file on the command line being completed (or
/// `TEAMCHAT_ROSTER`), else from the cache (`--cache`, `TEAMCHAT_CACHE` or the default path), else the Tekton
/// preset. Never touches the network: completion must be instant.
enum SpecialistCompletion {
    @Sendable
    static func ids(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        knownIDs(words: words).filter { $0.hasPrefix(prefix) }
    }

    static func knownIDs(words: [String]) -> [String] {
        let environment = ProcessEnvironment.current
        func value(after flag: String) -> String? {
            guard let index = words.firstIndex(of: flag), index + 1 < words.count else { return nil }
            return words[index + 1]
        }
        if let path = value(after: "--roster") ?? environment["TEAMCHAT_ROSTER"],
            let roster = try? RosterFile.load(path: path)
        {
            return roster.map(\.id)
        }
        let cachePath = value(after: "--cache") ?? CacheStore.defaultPath(environment: environment)
        // Read-only: completing a word never moves a file aside.
        if case .cache(let cache) = CacheStore(path: cachePath).load(readOnly: true),
            let team = cache.lastSource.flatMap(cache.team), !team.specialists.isEmpty
        {
            return team.specialists.map(\.id)
        }
        return (try? TektonPreset.roster(environment: environment).map(\.id)) ?? []
    }
}

/// Completes `--team` with the names in the teams file (`--config`'s, else the default one).
enum TeamCompletion {
    @Sendable
    static func names(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let environment = ProcessEnvironment.current
        let path = words.firstIndex(of: "--config").flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
            ?? TeamsFile.defaultPath(environment: environment)
        guard let path, let teams = try? TeamsFile.load(path: path) else { return [] }
        return teams.map(\.name).filter { $0.hasPrefix(prefix) }
    }
}
