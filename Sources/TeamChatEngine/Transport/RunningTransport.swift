/// A transport with work of its own that lasts as long as the session (a bus transport keeps its Redis connection
/// and reads replies): ``TeamSession/run()`` runs it as one of its children, and cancels it at the end.
public protocol RunningTransport: SpecialistTransport {
    /// Does the transport's work until cancelled.
    func run() async
}

extension RunningTransport {
    public var running: (any RunningTransport)? { self }
}
