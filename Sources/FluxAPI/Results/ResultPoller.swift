import Foundation

/// One thing the poller learned about a task.
public enum PollEvent: Sendable, Equatable {
    case update(id: String, result: ResultResponse, polls: Int)
    /// Polling gave up on this task (the retry policy ran out); the task may still finish later.
    case failed(id: String, error: FluxError, polls: Int)

    public var id: String {
        switch self {
        case .update(let id, _, _), .failed(let id, _, _): return id
        }
    }
}

/// A task the poller watches.
public struct PollTarget: Sendable, Equatable {
    public let id: String
    public let pollingURL: String?
    public let typicalSeconds: Double
    public let submittedAt: Date
    public let schedule: PollSchedule
    /// Tasks that take alike long (the endpoint): what finished ones took plans the others' polls.
    /// Empty: nothing is learned from or for this task.
    public let group: String

    public init(id: String, pollingURL: String?, typicalSeconds: Double, submittedAt: Date = Date(),
                schedule: PollSchedule = .standard, group: String = "") {
        self.id = id
        self.pollingURL = pollingURL
        self.typicalSeconds = typicalSeconds
        self.submittedAt = submittedAt
        self.schedule = schedule
        self.group = group
    }
}

/// One poller for every active task: each task sleeps until its own next poll, and at most
/// `maxConcurrent` polls are in flight at once. Updates arrive on `events`.
public actor ResultPoller {
    public nonisolated let events: AsyncStream<PollEvent>
    private let continuation: AsyncStream<PollEvent>.Continuation
    private let client: FluxClient
    private let limiter: AsyncLimiter
    private var watchers: [String: Task<Void, Never>] = [:]
    public private(set) var requestCount = 0
    /// What finished tasks took, per group.
    public private(set) var learned = LearnedDurations()
    /// Tasks still waiting for their first poll, planned with the typical time given here.
    private var firstWaits: [String: (target: PollTarget, typical: Double, fromSubmission: Bool)] = [:]
    /// Groups with a probe in flight (one at a time, only while nothing is learned for the group).
    private var probing: Set<String> = []
    /// Tasks planned from a learned duration, per group: every `scoutEvery`-th is a scout.
    private var plannedFromLearned: [String: Int] = [:]

    public init(client: FluxClient, maxConcurrent: Int = 8) {
        self.client = client
        self.limiter = AsyncLimiter(limit: maxConcurrent)
        (events, continuation) = AsyncStream.makeStream(of: PollEvent.self, bufferingPolicy: .unbounded)
    }

    public var activeCount: Int { watchers.count }

    /// Starts watching a task (again). A task already watched is left as it is.
    public func track(_ target: PollTarget) {
        guard watchers[target.id] == nil else { return }
        watchers[target.id] = Task { [weak self] in
            await self?.watch(target)
        }
    }

    public func untrack(_ id: String) {
        firstWaits[id] = nil
        watchers.removeValue(forKey: id)?.cancel()
    }

    /// The typical duration the next poll of `target` is planned with.
    private func typical(_ target: PollTarget) -> Double {
        target.group.isEmpty ? target.typicalSeconds : learned.typical(for: target.group, documented: target.typicalSeconds)
    }

    /// A task of `target`'s group was seen ready `seconds` after submission. When that makes the
    /// group clearly faster than its waiting tasks were planned for, their first polls are planned
    /// again (a burst of submissions otherwise waits the documented time for every task).
    private func learn(_ seconds: Double, from target: PollTarget) {
        guard !target.group.isEmpty else { return }
        learned.record(seconds, group: target.group)
        let now = typical(target)
        for (id, wait) in firstWaits where wait.target.group == target.group && now < wait.typical * 0.8 {
            firstWaits[id] = nil
            watchers[id]?.cancel()
            let again = wait.target
            let fromSubmission = wait.fromSubmission
            watchers[id] = Task { [weak self] in await self?.watch(again, fromSubmission: fromSubmission) }
        }
    }

    public func stop() {
        for task in watchers.values { task.cancel() }
        watchers.removeAll()
        firstWaits.removeAll()
        probing.removeAll()
        continuation.finish()
    }

    /// - Parameter fromSubmission: whether the task is watched from its submission on; only those
    ///   say how long tasks take (one resumed after a restart may have finished long before this
    ///   poll). Nil: decided now, by how long ago it was submitted.
    private func watch(_ target: PollTarget, fromSubmission: Bool? = nil) async {
        var polls = 0
        var progress: Double?
        let watchedFromSubmission = fromSubmission ?? (Date().timeIntervalSince(target.submittedAt) < Swift.min(5, target.typicalSeconds))
        // The first task of a group nothing is known about yet is a probe: polled often enough to
        // learn the group's real duration early, which then plans every other task's polls
        // (the documented time can be several times off on a given server).
        let probe = watchedFromSubmission && !target.group.isEmpty && target.schedule.probeFraction != nil
            && learned.count(for: target.group) < LearnedDurations.minimumSamples && probing.insert(target.group).inserted
        defer { if probe { probing.remove(target.group) } }
        // Planned from what this server's tasks took: the first poll at the whole learned time,
        // but a scout's at the usual share of it (see `PollSchedule.scoutEvery`).
        let fromLearned = !target.group.isEmpty && learned.count(for: target.group) >= LearnedDurations.minimumSamples
        var scout = false
        if fromLearned, let every = target.schedule.scoutEvery {
            let n = plannedFromLearned[target.group, default: 0]
            plannedFromLearned[target.group] = n + 1
            scout = n % every == every - 1
        }
        var firstPollAtLearnedTime = false
        while !Task.isCancelled {
            let elapsed = Date().timeIntervalSince(target.submittedAt)
            let typical = typical(target)
            let stillProbing = probe && progress == nil && learned.count(for: target.group) < LearnedDurations.minimumSamples
            let delay = (stillProbing ? target.schedule.probeDelay(elapsed: elapsed) : nil)
                ?? target.schedule.nextDelay(elapsed: elapsed, progress: progress, typical: typical, polls: polls,
                                             learned: fromLearned && !scout)
            if polls == 0 { firstPollAtLearnedTime = !stillProbing && fromLearned && !scout && progress == nil }
            let waitsForFirstPoll = polls == 0 && !stillProbing
            if waitsForFirstPoll { firstWaits[target.id] = (target, typical, watchedFromSubmission) }
            do { try await Task.sleep(for: .milliseconds(Int(delay * 1000))) } catch { break }
            // Re-planned (cancelled) just as the sleep ended: the new watcher owns the entry.
            if Task.isCancelled { break }
            if waitsForFirstPoll { firstWaits[target.id] = nil }
            await limiter.acquire()
            if Task.isCancelled { await limiter.release(); break }
            polls += 1
            requestCount += 1
            let outcome: Result<ResultResponse, FluxError>
            do {
                outcome = .success(try await client.result(id: target.id, pollingURL: target.pollingURL))
            } catch let error as FluxError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(.transport(String(describing: error)))
            }
            await limiter.release()
            switch outcome {
            case .success(let result):
                // A task the polling host does not know yet, moments after it was accepted, is
                // not a final answer (hosts may lag the submit; the probe polls early).
                if result.status == .notFound && Date().timeIntervalSince(target.submittedAt) < PollSchedule.notFoundGrace { continue }
                progress = result.progress ?? progress
                continuation.yield(.update(id: target.id, result: result, polls: polls))
                // Ready at a first poll at the whole learned time: "done by then", no new figure.
                if result.status == .ready && watchedFromSubmission && !(polls == 1 && firstPollAtLearnedTime) {
                    learn(Date().timeIntervalSince(target.submittedAt), from: target)
                }
                if result.status.isFinal { finish(target.id); return }
            case .failure(.cancelled):
                finish(target.id)
                return
            case .failure(let error):
                continuation.yield(.failed(id: target.id, error: error, polls: polls))
                finish(target.id)
                return
            }
        }
    }

    private func finish(_ id: String) { watchers.removeValue(forKey: id) }

    /// Polls one task to a final status; for the command line.
    public static func waitForFinal(client: FluxClient, target: PollTarget,
                                    onUpdate: @Sendable (ResultResponse) -> Void = { _ in }) async throws -> ResultResponse {
        let poller = ResultPoller(client: client, maxConcurrent: 1)
        await poller.track(target)
        defer { Task { await poller.stop() } }
        for await event in poller.events where event.id == target.id {
            switch event {
            case .update(_, let result, _):
                onUpdate(result)
                if result.status.isFinal { return result }
            case .failed(_, let error, _):
                throw error
            }
        }
        throw FluxError.cancelled
    }
}

/// Bounds how many operations run at once, in FIFO order.
public actor AsyncLimiter {
    private let limit: Int
    private var running = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) { self.limit = max(1, limit) }

    public func acquire() async {
        if running < limit { running += 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func release() {
        if waiters.isEmpty { running -= 1 } else { waiters.removeFirst().resume() }
    }
}
