import FluxAPI
import Foundation
import TaskStore

/// Runs tasks from submit to saved file, for the interactive app and the command line alike:
/// queues submits under the server's active-task limit, polls every running task through one
/// poller, downloads results, and writes every change to the store before telling anyone.
/// After a restart, `resume()` picks up where the last run stopped.
public actor TaskEngine {
    public struct Settings: Sendable {
        public var outputDirectory: URL
        public var naming: OutputNaming
        /// Tasks submitted and not yet final, at most; below the API's 24 so other clients of the
        /// same key keep some room and 429 storms never start.
        public var maxActive: Int
        /// Wait before polling again after polling gave up (the server was unreachable). Nil: the
        /// task fails instead (the command line, which has no later to try again in).
        public var repollDelay: Double?

        public init(outputDirectory: URL, naming: OutputNaming = OutputNaming(), maxActive: Int = 20, repollDelay: Double? = 30) {
            self.outputDirectory = outputDirectory
            self.naming = naming
            self.maxActive = maxActive
            self.repollDelay = repollDelay
        }
    }

    /// Every change of every task, after it is stored.
    public nonisolated let updates: AsyncStream<TaskEntry>
    private let continuation: AsyncStream<TaskEntry>.Continuation
    /// Fine-tunes the account is known to have, for the fine-tunes screen.
    public nonisolated let finetuneUpdates: AsyncStream<FinetuneEntry>
    private let finetuneContinuation: AsyncStream<FinetuneEntry>.Continuation
    /// What happens in the background, one line each, for people: problems ("could not save task
    /// 1a2b3c4d…: disk full") and submits being retried. None of them stops the engine.
    public nonisolated let notices: AsyncStream<EngineNotice>
    private let noticeContinuation: AsyncStream<EngineNotice>.Continuation

    let client: FluxClient
    let store: TaskStore
    let settings: Settings
    let poller: ResultPoller
    /// The tasks being worked on (not final), as last committed.
    var tasks: [String: TaskEntry] = [:]
    /// The endpoint of each task in `tasks`, looked up once when the task came in.
    var endpoints: [String: Endpoint] = [:]
    /// Requests validated by the caller, waiting for their turn. A queued task read back after a
    /// restart has none: it is prepared again when its turn comes (its files may have changed).
    var requests: [String: PreparedRequest] = [:]
    /// Tasks taken off the list: nothing more is stored or told about them, whatever answer
    /// comes back for them.
    var removed: Set<String> = []
    var byRemoteID: [String: String] = [:]
    var queue: [String] = []
    /// Tasks submitting or running: what counts against `maxActive`. Kept as tasks change, so
    /// starting the next queued task does not scan (and copy) every task.
    var inFlight: Set<String> = []
    var pollingLoop: Task<Void, Never>?
    /// Submits in flight, so an upload can be cancelled.
    var submitTasks: [String: Task<Void, Never>] = [:]
    /// Downloads in flight. They run beside the poll results, not inside their handling: awaited
    /// there, a thousand tasks finishing together were downloaded one after another, and every
    /// status update waited behind the downloads before it.
    var downloadTasks: [String: Task<Void, Never>] = [:]
    let downloadLimiter = AsyncLimiter(limit: TaskEngine.concurrentDownloads)
    /// Set by `shutdown`: no new download starts after it.
    var shuttingDown = false
    /// Result files fetched at once.
    public static let concurrentDownloads = 8

    public init(client: FluxClient, store: TaskStore, settings: Settings) {
        self.client = client
        self.store = store
        self.settings = settings
        self.poller = ResultPoller(client: client, maxConcurrent: 8)
        (updates, continuation) = AsyncStream.makeStream(of: TaskEntry.self, bufferingPolicy: .unbounded)
        (finetuneUpdates, finetuneContinuation) = AsyncStream.makeStream(of: FinetuneEntry.self, bufferingPolicy: .unbounded)
        (notices, noticeContinuation) = AsyncStream.makeStream(of: EngineNotice.self, bufferingPolicy: .unbounded)
    }

    // MARK: lifecycle

    /// Resumes the tasks a previous run left active. A store that cannot be read is reported on
    /// `notices`; the engine works on regardless (new tasks are submitted, readable ones resume).
    public func resume() {
        startPolling()
        removeStalePartialDownloads()
        var stored: [TaskEntry] = []
        do {
            let active = try store.activeTasks()
            stored = active.tasks
            for (id, error) in active.unreadable { report("task \(Self.short(id)) could not be read, so it was not resumed: \(error)") }
        } catch {
            report("could not read the tasks to resume: \(error)")
        }
        for var task in stored where tasks[task.id] == nil && !removed.contains(task.id) {
            guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else {
                task.phase = .failed
                task.error = "this version of flux-tui does not know the endpoint '\(task.endpoint)'"
                task.finishedAt = Date()
                commit(task)
                continue
            }
            endpoints[task.id] = endpoint
            if let remote = task.remoteID { byRemoteID[remote] = task.id }
            switch task.phase {
            case .queued:
                tasks[task.id] = task
                queue.append(task.id)
            case .submitting:
                // The app stopped mid-submit: the server may have the task. Never resend blindly.
                task.phase = .uncertain
                task.statusText = "Submit uncertain"
                task.error = "the app stopped while submitting; the task may exist on the server. Check before resubmitting."
                commit(task)
            case .running, .downloading:
                // A download that was cut off is fetched again from a fresh poll.
                task.phase = .running
                commit(task)
                track(task)
            default:
                break
            }
        }
        pump()
    }

    public func shutdown() async {
        shuttingDown = true
        pollingLoop?.cancel()
        for task in submitTasks.values { task.cancel() }
        await poller.stop()
        // Downloads cut off stay "downloading" (fetched again at the next start); waiting for
        // them means no store write lands after shutdown returns.
        let downloads = Array(downloadTasks.values)
        for task in downloads { task.cancel() }
        for task in downloads { await task.value }
        continuation.finish()
        finetuneContinuation.finish()
        noticeContinuation.finish()
    }

    // MARK: commands

    /// Queues a validated request and returns its task as stored. `origin` records the task it
    /// was made from, for a rerun.
    @discardableResult
    public func submit(_ request: PreparedRequest, origin: TaskOrigin = .standalone) -> TaskEntry {
        let task = queuedTask(for: request, origin: origin)
        commit(task)
        pump()
        return task
    }

    /// Queues a batch's validated requests, in order, and stores the batch with its tasks in one
    /// transaction (a thousand tasks: one commit, not a thousand). Returns the tasks as stored.
    @discardableResult
    public func submit(batch: BatchEntry, requests batchRequests: [PreparedRequest]) -> [TaskEntry] {
        let tasks = batchRequests.enumerated().map { index, request in
            queuedTask(for: request, origin: TaskOrigin(batchID: batch.id, batchIndex: index))
        }
        do { try store.save(batch, tasks: tasks) } catch { report("could not save batch \(Self.short(batch.id)): \(error)") }
        for task in tasks { commit(task, persist: false) }
        pump()
        return tasks
    }

    private func queuedTask(for request: PreparedRequest, origin: TaskOrigin) -> TaskEntry {
        let task = TaskEntry(endpoint: request.endpoint.id, parameters: request.parameters, phase: .queued, statusText: "Queued",
                             seed: Self.requestedSeed(request.parameters), origin: origin)
        endpoints[task.id] = request.endpoint
        requests[task.id] = request
        queue.append(task.id)
        return task
    }

    /// Stops every task still waiting in the queue (a command line's Ctrl-C): what was sent goes
    /// on. Returns how many were left unsent.
    @discardableResult
    public func cancelQueued() -> Int {
        let waiting = queue
        queue.removeAll()
        for id in waiting {
            guard var task = tasks[id], task.phase == .queued else { continue }
            task.phase = .cancelled
            task.statusText = "Cancelled"
            task.error = "not sent: stopped before its turn"
            task.finishedAt = Date()
            commit(task)
        }
        return waiting.count
    }

    /// Follows a task submitted elsewhere (the command line's `result ID --wait`): polled, and
    /// its result downloaded, like any other.
    @discardableResult
    public func watch(remoteID: String, endpoint: Endpoint, pollingURL: String?) -> TaskEntry {
        let task = TaskEntry(remoteID: remoteID, endpoint: endpoint.id, parameters: TaskParameters(), phase: .running,
                             statusText: "Pending", pollingURL: pollingURL, submittedAt: Date())
        endpoints[task.id] = endpoint
        byRemoteID[remoteID] = task.id
        commit(task)
        track(task)
        return task
    }

    /// Downloads a Ready task's result again (after a failed or deleted download).
    public func retryDownload(id: String) {
        guard !removed.contains(id), var task = tasks[id] ?? storedTask(id), !task.hidden, let remote = task.remoteID,
              let endpoint = endpoints[id] ?? EndpointRegistry.endpoint(named: task.endpoint) else { return }
        endpoints[id] = endpoint
        task.phase = .running
        task.error = nil
        task.failure = nil
        // A task from an earlier session is not mapped yet: without this its poll answers were dropped.
        byRemoteID[remote] = id
        commit(task)
        track(task)
    }

    /// Stops a submit in progress (a fine-tune upload) or a queued task.
    public func cancel(id: String) {
        queue.removeAll { $0 == id }
        submitTasks.removeValue(forKey: id)?.cancel()
        guard var task = tasks[id], task.phase == .queued || task.phase == .submitting else { return }
        task.phase = .cancelled
        task.statusText = "Cancelled"
        task.error = "cancelled before the server accepted it"
        task.finishedAt = Date()
        commit(task)
        pump()
    }

    /// Takes a task off the list (its files stay). Whatever the engine was doing for it stops:
    /// a queued task is not submitted, a download is cancelled, and answers still on their way
    /// (a submit's, a poll's) are dropped, so the task never comes back.
    public func remove(id: String) {
        removed.insert(id)
        queue.removeAll { $0 == id }
        submitTasks.removeValue(forKey: id)?.cancel()
        downloadTasks.removeValue(forKey: id)?.cancel()
        if let remote = tasks[id]?.remoteID { Task { await poller.untrack(remote) } }
        forget(id)
        do { try store.hide(id: id) } catch { report("could not remove task \(Self.short(id)): \(error)") }
        pump()
    }

    public var activeCount: Int { tasks.values.filter { $0.phase.isActive }.count }

    // MARK: bookkeeping

    /// Stores a change, then tells the UI. A removed task is neither stored nor told about.
    func commit(_ task: TaskEntry, persist: Bool = true) {
        guard !removed.contains(task.id) else { return }
        var task = task
        task.updatedAt = Date()
        tasks[task.id] = task
        if task.phase == .running || task.phase == .submitting { inFlight.insert(task.id) } else { inFlight.remove(task.id) }
        if persist {
            do { try store.save(task) } catch { report("could not save task \(Self.short(task.id)): \(error)") }
        }
        if !task.phase.isActive { forget(task.id) }
        continuation.yield(task)
    }

    /// Drops what the engine kept for a task it no longer works on.
    func forget(_ id: String) {
        if let remote = tasks.removeValue(forKey: id)?.remoteID, byRemoteID[remote] == id { byRemoteID[remote] = nil }
        endpoints[id] = nil
        requests[id] = nil
        inFlight.remove(id)
    }

    nonisolated func report(_ problem: String) {
        noticeContinuation.yield(EngineNotice(.problem, problem))
    }

    nonisolated func note(_ kind: EngineNotice.Kind, _ message: String) {
        noticeContinuation.yield(EngineNotice(kind, message))
    }

    func recordFinetuneUpdate(_ entry: FinetuneEntry) {
        do { try store.save(entry) } catch { report("could not save fine-tune \(Self.short(entry.id)): \(error)") }
        finetuneContinuation.yield(entry)
    }

    private func storedTask(_ id: String) -> TaskEntry? {
        do { return try store.task(id: id) } catch {
            report("could not read task \(Self.short(id)): \(error)")
            return nil
        }
    }

    private func removeStalePartialDownloads() {
        let dir = settings.outputDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for name in names where name.hasPrefix(".") && (name.contains(".part-") || name.contains(".tmp-")) {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        }
    }

    /// The first characters of an id, enough to tell tasks apart in a status line.
    static func short(_ id: String) -> String { id.count > 8 ? id.prefix(8) + "…" : id }

    static func requestedSeed(_ parameters: TaskParameters) -> Int? {
        if case .integer(let s) = parameters["seed"] { return s }
        return nil
    }
}
