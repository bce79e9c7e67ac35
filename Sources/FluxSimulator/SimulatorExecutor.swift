import NIOCore
import NIOPosix

/// Starts the simulator's Swift tasks on threads of its own. The simulator usually runs inside
/// the process that talks to it (the app, tests, benchmarks); if that process blocks Swift's
/// global pool (a blocking call in a test, a busy UI), a server on the same pool would stall
/// with it and look slow or dead. With a task executor preference, the tasks and the actor
/// calls they make run on these threads instead.
struct SimulatorExecutor: Sendable {
    /// Shared by every simulator in the process, never shut down (like NIO's singletons).
    private static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    private let executor: (any Sendable)?

    static let shared = SimulatorExecutor()

    private init() {
        if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, *) {
            executor = EventLoopTaskExecutor(group: Self.group)
        } else {
            executor = nil
        }
    }

    @discardableResult
    func task<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> Task<T, Never> {
        if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, *), let executor = executor as? EventLoopTaskExecutor {
            return Task(executorPreference: executor, operation: operation)
        }
        return Task(operation: operation)
    }

    func throwingTask<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) -> Task<T, Error> {
        if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, *), let executor = executor as? EventLoopTaskExecutor {
            return Task(executorPreference: executor, operation: operation)
        }
        return Task(operation: operation)
    }
}

/// A task executor on NIO event loop threads (which only ever run short, non-blocking jobs
/// here: rendering and large parsing go to the render pool).
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, *)
final class EventLoopTaskExecutor: TaskExecutor {
    private let group: any EventLoopGroup

    init(group: any EventLoopGroup) { self.group = group }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        group.next().execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
