import NIOCore

/// A `TaskExecutor` that runs jobs on one event loop: a task that prefers it (`withTaskExecutorPreference`) and
/// consumes a round whose connections live on that loop resumes on the thread that read the replies, instead of
/// waking a thread of the cooperative pool for every batch of events.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // From the loop's own thread (a round resuming its consumer), `execute` only queues: no wake-up.
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
