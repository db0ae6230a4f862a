import TeamChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Shell completion of specialist ids: from the `--roster` file on the command line being completed, else from
/// `TEAMCHAT_ROSTER`, else the Tekton preset. Never probes the network: completion must be instant.
enum SpecialistCompletion {
    @Sendable
    static func ids(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        knownIDs(words: words).filter { $0.hasPrefix(prefix) }
    }

    static func knownIDs(words: [String]) -> [String] {
        let environment = ProcessInfo.processInfo.environment
        var path = environment["TEAMCHAT_ROSTER"]
        if let flag = words.firstIndex(of: "--roster"), flag + 1 < words.count {
            path = words[flag + 1]
        }
        if let path, let roster = try? RosterFile.load(path: path) {
            return roster.map(\.id)
        }
        return (try? TektonPreset.roster(environment: environment).map(\.id)) ?? []
    }
}
