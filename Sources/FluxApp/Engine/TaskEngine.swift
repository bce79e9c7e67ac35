import FluxAPI
import Foundation
import TaskStore

/// Runs tasks for the interactive app: queues submits under the server's active-task limit, polls
/// every running task through one poller, downloads results, and writes every change to the store
/// before telling the UI. After a restart, `resume()` picks up where the last run stopped.
public actor TaskEngine {
    public struct Settings: Sendable {
        public var outputDirectory: URL
        public var naming: OutputNaming
        /// Tasks submitted and not yet final, at most; below the API's 24 so other clients of the
        /// same key keep some room and 429 storms never start.
        public var maxActive: Int
        /// Wait before polling again after polling gave up (the server was unreachable).
        public var repollDelay: Double

        public init(outputDirectory: URL, naming: OutputNaming = OutputNaming(), maxActive: Int = 20, repollDelay: Double = 30) {
            self.outputDirectory = outputDirectory
            self.naming = naming
            self.maxActive = maxActive
            self.repollDelay = repollDelay
        }
    }

    public nonisolated let updates: AsyncStream<TaskEntry>
    private let continuation: AsyncStream<TaskEntry>.Continuation
    private let client: FluxClient
    private let store: TaskStore
    private let settings: Settings
    private let poller: ResultPoller
    private var tasks: [String: TaskEntry] = [:]
    private var byRemoteID: [String: String] = [:]
    private var queue: [String] = []
    /// Tasks submitting or running: what counts against `maxActive`. Kept as tasks change, so
    /// starting the next queued task does not scan (and copy) every task.
    private var inFlight: Set<String> = []
    private var submitting = 0
    private var pollingLoop: Task<Void, Never>?
    /// Submits in flight, so an upload can be cancelled.
    private var submitTasks: [String: Task<Void, Never>] = [:]
    /// Downloads in flight. They run beside the poll results, not inside their handling: awaited
    /// there, a thousand tasks finishing together were downloaded one after another, and every
    /// status update waited behind the downloads before it.
    private var downloadTasks: [String: Task<Void, Never>] = [:]
    private let downloadLimiter = AsyncLimiter(limit: TaskEngine.concurrentDownloads)
    /// Set by `shutdown`: no new download starts after it.
    private var shuttingDown = false
    /// Result files fetched at once.
    public static let concurrentDownloads = 8
    /// Fine-tunes the account is known to have, for the fine-tunes screen.
    public nonisolated let finetuneUpdates: AsyncStream<FinetuneEntry>
    private let finetuneContinuation: AsyncStream<FinetuneEntry>.Continuation
    /// Errors from the store are shown, not fatal: the UI keeps working.
    public private(set) var lastStoreError: String?

    public init(client: FluxClient, store: TaskStore, settings: Settings) {
        self.client = client
        self.store = store
        self.settings = settings
        self.poller = ResultPoller(client: client, maxConcurrent: 8)
        (updates, continuation) = AsyncStream.makeStream(of: TaskEntry.self, bufferingPolicy: .unbounded)
        (finetuneUpdates, finetuneContinuation) = AsyncStream.makeStream(of: FinetuneEntry.self, bufferingPolicy: .unbounded)
    }

    /// Starts consuming poll results and resumes the tasks a previous run left active.
    public func resume() {
        if pollingLoop == nil {
            let events = poller.events
            pollingLoop = Task { [weak self] in
                for await event in events { await self?.handle(event) }
            }
        }
        removeStalePartialDownloads()
        let active: [TaskEntry]
        do { active = try store.activeTasks() } catch {
            lastStoreError = "\(error)"
            return
        }
        for var task in active {
            tasks[task.id] = task
            if let remote = task.remoteID { byRemoteID[remote] = task.id }
            switch task.phase {
            case .queued:
                queue.append(task.id)
            case .submitting:
                // The app stopped mid-submit: the server may have the task. Never resend blindly.
                task.phase = .uncertain
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
    }

    // MARK: commands from the UI

    /// Queues a new task and returns it as stored.
    @discardableResult
    public func submit(endpoint: Endpoint, parameters: TaskParameters) -> TaskEntry {
        let task = TaskEntry(endpoint: endpoint.id, parameters: parameters, phase: .queued, statusText: "Queued",
                             seed: Self.requestedSeed(parameters))
        tasks[task.id] = task
        queue.append(task.id)
        commit(task)
        pump()
        return task
    }

    /// Downloads a Ready task's result again (after a failed or deleted download).
    public func retryDownload(id: String) {
        guard var task = tasks[id] ?? (try? store.task(id: id)) ?? nil, let remote = task.remoteID else { return }
        task.phase = .running
        task.error = nil
        tasks[id] = task
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

    /// Takes a task off the list (its files stay). A queued task is not submitted.
    public func remove(id: String) {
        submitTasks.removeValue(forKey: id)?.cancel()
        queue.removeAll { $0 == id }
        if let remote = tasks[id]?.remoteID { Task { await poller.untrack(remote) } }
        tasks.removeValue(forKey: id)
        inFlight.remove(id)
        do { try store.hide(id: id) } catch { lastStoreError = "\(error)" }
    }

    public var activeCount: Int { tasks.values.filter { $0.phase.isActive }.count }

    // MARK: submitting

    private func pump() {
        var free = settings.maxActive - inFlight.count
        while free > 0, !queue.isEmpty {
            let id = queue.removeFirst()
            guard var task = tasks[id], task.phase == .queued else { continue }
            free -= 1
            task.phase = .submitting
            task.statusText = "Submitting"
            commit(task)
            submitTasks[id] = Task { await self.performSubmit(id) }
        }
    }

    /// A fine-tune whose `file_data` is a folder: scan it, then stream its ZIP as it is made.
    private func submitFinetuneFolder(_ id: String, folder: URL) async throws -> SubmitResponse {
        guard var task = tasks[id] else { throw FluxError.cancelled }
        let dataset = FinetuneDataset.scan(folder)
        if dataset.issues.hasErrors { throw FluxError.invalidInput(dataset.issues.errors) }
        var parameters = task.parameters
        parameters["file_data"] = nil
        let archive = ArchiveSource.zip(try ZipPlan(dataset: dataset))
        task.statusText = "Uploading \(dataset.images.count) images"
        commit(task)
        let reporter = UploadReporter { [weak self] fraction in
            Task { await self?.uploadProgress(id, fraction) }
        }
        return try await client.submitFinetune(source: archive, parameters: parameters) { sent, total in
            reporter.report(sent: sent, total: total)
        }
    }

    private func uploadProgress(_ id: String, _ fraction: Double) {
        guard var task = tasks[id], task.phase == .submitting else { return }
        task.progress = fraction
        task.statusText = "Uploading \(Int(fraction * 100))%"
        commit(task)
    }

    private func performSubmit(_ id: String) async {
        defer { submitTasks.removeValue(forKey: id) }
        guard var task = tasks[id], let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return }
        var folder: URL?
        if endpoint.createsFinetune, case .file(let path)? = task.parameters["file_data"] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                folder = URL(fileURLWithPath: path)
            }
        }
        var prepared: PreparedRequest?
        if folder == nil {
            switch RequestPreparer.prepare(endpoint, task.parameters) {
            case .success(let p): prepared = p
            case .failure(let error):
                fail(&task, phase: .failed, error: "\(error)")
                return
            }
        }
        do {
            let answer: SubmitResponse
            if let folder { answer = try await submitFinetuneFolder(id, folder: folder) }
            else { answer = try await client.submit(prepared!) }
            if endpoint.createsFinetune { recordFinetune(answer.id, parameters: task.parameters) }
            task = tasks[id] ?? task
            guard task.phase == .submitting else { return }
            task.remoteID = answer.id
            task.pollingURL = answer.pollingURL
            task.cost = answer.cost
            task.submittedAt = Date()
            task.phase = .running
            task.progress = nil
            task.statusText = answer.status ?? "Pending"
            byRemoteID[answer.id] = id
            commit(task)
            track(task)
        } catch let error as FluxError {
            task = tasks[id] ?? task
            guard task.phase == .submitting else { return }
            if case .submitUncertain = error { fail(&task, phase: .uncertain, error: error.description) }
            else if case .cancelled = error { fail(&task, phase: .cancelled, error: "cancelled before the server accepted it") }
            else { fail(&task, phase: .failed, error: error.description) }
        } catch is CancellationError {
            task = tasks[id] ?? task
            if task.phase == .submitting { fail(&task, phase: .cancelled, error: "cancelled before the server accepted it") }
        } catch {
            task = tasks[id] ?? task
            fail(&task, phase: .failed, error: "\(error)")
        }
    }

    /// Remembers a new fine-tune so the fine-tunes screen and forms know it at once.
    private func recordFinetune(_ id: String, parameters: TaskParameters) {
        func text(_ name: String) -> String? {
            if case .text(let s)? = parameters[name] { return s }
            return nil
        }
        let entry = FinetuneEntry(id: id, comment: text("finetune_comment"), triggerWord: text("trigger_word") ?? "TOK",
                                  mode: text("mode"), finetuneType: text("finetune_type") ?? "full", statusText: "Pending")
        do { try store.save(entry) } catch { lastStoreError = "\(error)" }
        finetuneContinuation.yield(entry)
    }

    private func fail(_ task: inout TaskEntry, phase: TaskPhase, error: String) {
        task.phase = phase
        task.error = error
        task.finishedAt = Date()
        if phase == .failed { task.statusText = task.statusText == "Submitting" ? "Not submitted" : task.statusText }
        if phase == .uncertain { task.statusText = "Submit uncertain" }
        commit(task)
        pump()
    }

    // MARK: polling and downloads

    private func track(_ task: TaskEntry) {
        guard let remote = task.remoteID, let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return }
        let target = PollTarget(id: remote, pollingURL: task.pollingURL, typicalSeconds: endpoint.typicalSeconds,
                                submittedAt: task.submittedAt ?? task.createdAt,
                                schedule: endpoint.createsFinetune ? .training : .standard, group: endpoint.id)
        Task { await poller.track(target) }
    }

    private func handle(_ event: PollEvent) async {
        guard let localID = byRemoteID[event.id], var task = tasks[localID] else { return }
        switch event {
        case .update(_, let result, _):
            task.statusText = result.status.text
            task.progress = result.progress ?? task.progress
            if let seed = result.seed { task.seed = seed }
            if EndpointRegistry.endpoint(named: task.endpoint)?.createsFinetune == true, let remote = task.remoteID {
                updateFinetuneStatus(remote, status: result.status.text, progress: result.progress)
            }
            guard result.status.isFinal else {
                // A poll that changed nothing is neither stored nor shown, and one that only moved
                // the progress is shown but not stored (the first poll after a restart brings it
                // back): with many long tasks polled, a write per poll was much of an idle app's CPU.
                guard let before = tasks[localID], task != before else { return }
                var progressOnly = task
                progressOnly.progress = before.progress
                commit(task, persist: progressOnly != before)
                return
            }
            task.finishedAt = Date()
            switch result.status {
            case .ready:
                if EndpointRegistry.endpoint(named: task.endpoint)?.createsFinetune == true || result.sampleURL == nil {
                    task.phase = result.sampleURL == nil && !(EndpointRegistry.endpoint(named: task.endpoint)?.createsFinetune ?? false)
                        ? .failed : .done
                    if task.phase == .failed { task.error = "Ready, but the server gave no result URL" }
                    commit(task)
                } else {
                    task.phase = .downloading
                    task.sampleURL = result.sampleURL
                    commit(task)
                    startDownload(localID, result: result)
                }
            case .requestModerated, .contentModerated:
                task.phase = .moderated
                task.error = result.failureReason
                commit(task)
            default:
                task.phase = .failed
                task.error = result.failureReason ?? result.status.text
                commit(task)
            }
            pump()
        case .failed(_, let error, _):
            // Polling gave up (server unreachable for the whole retry window): keep the task and
            // try again later rather than losing it.
            task.error = "polling paused: \(error.description); retrying in \(Int(settings.repollDelay)) s"
            commit(task)
            let delay = settings.repollDelay
            Task {
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                self.repoll(localID)
            }
        }
    }

    private func updateFinetuneStatus(_ id: String, status: String, progress: Double?) {
        guard var entry = (try? store.finetunes(includeHidden: true))?.first(where: { $0.id == id }) else { return }
        guard entry.statusText != status || entry.progress != progress else { return }
        entry.statusText = status
        entry.progress = progress
        entry.updatedAt = Date()
        try? store.save(entry)
        finetuneContinuation.yield(entry)
    }

    private func repoll(_ id: String) {
        guard var task = tasks[id], task.phase == .running else { return }
        task.error = nil
        commit(task)
        track(task)
    }

    private func startDownload(_ id: String, result: ResultResponse) {
        guard !shuttingDown, downloadTasks[id] == nil else { return }
        let limiter = downloadLimiter
        downloadTasks[id] = Task { [weak self] in
            await limiter.acquire()
            await self?.download(id, result: result)
            await limiter.release()
        }
    }

    private func download(_ id: String, result: ResultResponse) async {
        // Cleared here, on the engine, before anything else can ask for this task's download
        // again (a retry right after a failure must not find it still "in flight").
        defer { downloadTasks[id] = nil }
        // Shut down while waiting for a turn: the task stays "downloading" and is fetched again
        // (after a fresh poll) when the app next starts.
        if Task.isCancelled { return }
        guard var task = tasks[id], let endpoint = EndpointRegistry.endpoint(named: task.endpoint), let remote = task.remoteID else { return }
        let record = TaskRecord(id: remote, endpoint: endpoint, parameters: task.parameters,
                                submittedAt: task.submittedAt ?? task.createdAt, cost: task.cost)
        let saver = ResultSaver(downloader: ResultDownloader(transport: client.transport), naming: settings.naming)
        let client = self.client
        let pollingURL = task.pollingURL
        do {
            let files = try await saver.save(result, record: record, into: settings.outputDirectory) {
                try await client.result(id: remote, pollingURL: pollingURL)
            }
            task = tasks[id] ?? task
            task.outputs = files.map(\.path)
            task.phase = .done
            task.error = nil
        } catch {
            // Cut off by shutdown: not a failure; the next start fetches it again.
            if Task.isCancelled { return }
            task = tasks[id] ?? task
            task.phase = .failed
            task.error = "Ready, but the download failed: \(error)"
        }
        commit(task)
    }

    // MARK: helpers

    private func commit(_ task: TaskEntry, persist: Bool = true) {
        var task = task
        task.updatedAt = Date()
        tasks[task.id] = task
        if task.phase == .running || task.phase == .submitting { inFlight.insert(task.id) } else { inFlight.remove(task.id) }
        if persist {
            do { try store.save(task) } catch { lastStoreError = "\(error)" }
        }
        if !task.phase.isActive { tasks.removeValue(forKey: task.id) }
        continuation.yield(task)
    }

    private func removeStalePartialDownloads() {
        let dir = settings.outputDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for name in names where name.hasPrefix(".") && (name.contains(".part-") || name.contains(".tmp-")) {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        }
    }

    static func requestedSeed(_ parameters: TaskParameters) -> Int? {
        if case .integer(let s) = parameters["seed"] { return s }
        return nil
    }
}

/// Turns byte counts into at most ~50 progress updates per upload.
final class UploadReporter: @unchecked Sendable {
    private let lock = NSLock()
    private var lastStep = -1
    private let onStep: @Sendable (Double) -> Void

    init(onStep: @escaping @Sendable (Double) -> Void) { self.onStep = onStep }

    func report(sent: Int, total: Int) {
        guard total > 0 else { return }
        let step = Int(Double(sent) / Double(total) * 50)
        let fire = lock.withLock { () -> Bool in
            guard step != lastStep else { return false }
            lastStep = step
            return true
        }
        if fire { onStep(Double(sent) / Double(total)) }
    }
}
