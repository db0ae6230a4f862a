/// Where a running round hands its events: in the machine's order, in batches, from whichever thread produced them.
/// The last batch ends with the summary; `finish` follows it.
///
/// `deliver` is called while the round holds its lock (so that batches keep their order): it must not block or
/// call back into the round. Yielding to a stream, or hopping to an event loop, is what it is for.
struct RoundOutput: Sendable {
    var deliver: @Sendable ([RoundEvent]) -> Void
    var finish: @Sendable () -> Void
}
