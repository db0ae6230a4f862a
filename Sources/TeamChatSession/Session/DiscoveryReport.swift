import TeamChatModel

/// What probing a team found (`teamchat discover`, a missing or stale cache).
public struct DiscoveryReport: Sendable {
    /// What probing one specialist found.
    public struct Probe: Sendable {
        /// The specialist, with model, component and description filled in from what it said about itself.
        public var specialist: Specialist
        /// The probe's outcome (its elapsed time includes the connect on a cold connection).
        public var outcome: SpecialistOutcome

        public var isAlive: Bool { outcome.isSuccess }
    }

    /// Every candidate probed (for a scan, the live ports only), in roster order.
    public var probes: [Probe]
    /// The team as it now stands.
    public var roster: [Specialist]
    /// Whether the discovery is complete enough to be trusted as fresh: somebody answered, and probing was not cut
    /// short by an interrupt or by our own limits.
    public var complete: Bool
    /// Why it is not complete, in words, when it is not.
    public var incompleteBecause: String?
    public var elapsed: Duration

    public var alive: Int { probes.count { $0.isAlive } }
}
