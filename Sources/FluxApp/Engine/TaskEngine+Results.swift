import FluxAPI
import Foundation
import TaskStore

/// Polling and downloads: what the poller learns moves tasks on; a Ready image is saved beside
/// the poll results, at most `concurrentDownloads` at a time.
extension TaskEngine {
    func startPolling() {
        guard pollingLoop == nil else { return }
        let events = poller.events
        pollingLoop = Task { [weak self] in
            for await event in events { await self?.handle(event) }
        }
    }

    func track(_ task: TaskEntry) {
        guard let remote = task.remoteID, let endpoint = endpoints[task.id] else { return }
        startPolling()
        let target = PollTarget(id: remote, pollingURL: task.pollingURL, typicalSeconds: endpoint.typicalSeconds,
                                submittedAt: task.submittedAt ?? task.createdAt,
                                schedule: endpoint.createsFinetune ? .training : .standard, group: endpoint.id)
        Task { await poller.track(target) }
    }

    private func handle(_ event: PollEvent) async {
        guard let localID = byRemoteID[event.id], var task = tasks[localID], let endpoint = endpoints[localID] else { return }
        switch event {
        case .update(_, let result, _):
            task.statusText = result.status.text
            task.progress = result.progress ?? task.progress
            if let seed = result.seed { task.seed = seed }
            if endpoint.createsFinetune { updateFinetuneStatus(event.id, status: result.status.text, progress: result.progress) }
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
            case .ready where endpoint.createsFinetune:
                // What a fine-tune makes is the trained model on the server: Ready is done.
                task.phase = .done
                commit(task)
            case .ready:
                guard result.sampleURL != nil else {
                    task.phase = .failed
                    task.error = "Ready, but the server gave no result URL"
                    task.failure = .download("the server gave no result URL")
                    commit(task)
                    break
                }
                task.phase = .downloading
                task.sampleURL = result.sampleURL
                commit(task)
                startDownload(localID, result: result)
            case .requestModerated, .contentModerated:
                task.phase = .moderated
                task.error = result.failureReason
                task.failure = .server(result.status)
                commit(task)
            default:
                task.phase = .failed
                task.error = result.failureReason ?? result.status.text
                task.failure = .server(result.status)
                commit(task)
            }
            pump()
        case .failed(_, let error, _):
            guard let delay = settings.repollDelay else {
                task.phase = .failed
                task.error = "polling stopped: \(error.description)"
                task.failure = .polling(error)
                task.finishedAt = Date()
                commit(task)
                pump()
                return
            }
            // Polling gave up (server unreachable for the whole retry window): keep the task and
            // try again later rather than losing it.
            task.error = "polling paused: \(error.description); retrying in \(Int(delay)) s"
            commit(task)
            Task {
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                self.repoll(localID)
            }
        }
    }

    private func updateFinetuneStatus(_ id: String, status: String, progress: Double?) {
        let known: [FinetuneEntry]
        do { known = try store.finetunes(includeHidden: true) } catch {
            report("could not read fine-tune \(Self.short(id)): \(error)")
            return
        }
        guard var entry = known.first(where: { $0.id == id }) else { return }
        guard entry.statusText != status || entry.progress != progress else { return }
        entry.statusText = status
        entry.progress = progress
        entry.updatedAt = Date()
        recordFinetuneUpdate(entry)
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
        // Shut down (or removed) while waiting for a turn: after a shutdown the task stays
        // "downloading" and is fetched again (after a fresh poll) when the app next starts.
        if Task.isCancelled { return }
        guard let task = tasks[id], let endpoint = endpoints[id], let remote = task.remoteID else { return }
        let record = TaskRecord(id: remote, endpoint: endpoint, parameters: task.parameters,
                                submittedAt: task.submittedAt ?? task.createdAt, cost: task.cost)
        let saver = ResultSaver(downloader: ResultDownloader(transport: client.transport), naming: settings.naming)
        let client = self.client
        let pollingURL = task.pollingURL
        let outcome: Result<[URL], any Error>
        do {
            outcome = .success(try await saver.save(result, record: record, into: settings.outputDirectory) {
                try await client.result(id: remote, pollingURL: pollingURL)
            })
        } catch {
            // Cut off by shutdown or removal: not a failure.
            if Task.isCancelled { return }
            outcome = .failure(error)
        }
        // Removed while it downloaded: the file stays, the task stays off the list.
        guard var task = tasks[id] else { return }
        switch outcome {
        case .success(let files):
            task.outputs = files.map(\.path)
            task.phase = .done
            task.error = nil
        case .failure(let error):
            task.phase = .failed
            task.error = "Ready, but the download failed: \(error)"
            task.failure = .download("\(error)")
        }
        commit(task)
    }
}
