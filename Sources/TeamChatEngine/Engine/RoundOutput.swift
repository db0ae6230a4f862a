import TeamChatModel
/// Where a running round hands its events: in the machine's order, in batches, from whichever thread produced them.
/// The last batch ends with the summary; `finish` follows it.
///
/// `deliver` is called while the round holds its lock (so that batches keep their order): it must not block or
/// call back into the round. Yielding to a stream, or hopping to an event loop, is what it is for.
struct RoundOutput: Sendable {
    var deliver: @Sendable ([RoundEvent]) -> Void
    var finish: @Sendable () -> Void
    /// Whether events go out as they come, a batch per event-loop tick, or all at once with the summary (for a
    /// consumer that wants the round only when it is over: no hand-over then runs between the round's reads).
    var asTheyCome = true
}
