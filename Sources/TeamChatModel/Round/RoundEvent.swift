/// What a round reports, in order: chunks and outcomes as they arrive, then one summary.
public enum RoundEvent: Sendable, Hashable {
    /// A piece of a streamed answer.
    case chunk(specialistID: String, StreamChunk)
    /// A specialist's outcome (each addressed specialist gets exactly one).
    case outcome(SpecialistOutcome)
    /// The round is over. Always the last event.
    case finished(RoundSummary)
}
