import FluxAPI
import Foundation
import ImagePreview
import TaskStore
import TerminalKit

/// The app's loop: events in (keys, task updates, a tick while something runs), `update`, effects
/// out, and a frame presented after each change. Nothing is drawn while nothing changes.
public final class AppRunner: Sendable {
    let backend: any TerminalBackend
    let engine: TaskEngine
    let store: TaskStore
    let client: FluxClient
    let theme: Theme
    let server: ServerInfo
    let startupNotice: String?
    let keyBindings: KeyBindings
    let mouse: Bool
    let notifications: NotificationSettings
    let budget: BudgetLimits
    let confirmTasksAbove: Int
    let files = FileInspector()
    /// Network calls started by a key (delete a fine-tune, refresh the list) give up after this long
    /// rather than the command line's five minutes: the user is watching, and can press the key again.
    static let interactiveRetry = RetryPolicy(maxInterval: 5, maxElapsed: 15)

    public init(backend: any TerminalBackend, engine: TaskEngine, store: TaskStore, client: FluxClient,
                theme: Theme, server: ServerInfo, startupNotice: String? = nil, keyBindings: KeyBindings = KeyBindings(),
                mouse: Bool = true, notifications: NotificationSettings = NotificationSettings(),
                budget: BudgetLimits = BudgetLimits(), confirmTasksAbove: Int = 20) {
        self.notifications = notifications
        self.budget = budget
        self.confirmTasksAbove = confirmTasksAbove
        self.keyBindings = keyBindings
        self.mouse = mouse
        self.backend = backend
        self.engine = engine
        self.store = store
        self.client = client
        self.theme = theme
        self.server = server
        self.startupNotice = startupNotice
    }

    /// Runs until the user quits. The caller restores the terminal.
    public func run() async {
        var state = AppState(server: server, size: backend.size)
        state.colorMode = backend.colorMode
        state.keyBindings = keyBindings
        state.mouseEnabled = mouse
        state.notifications = notifications
        state.spending.limits = budget
        state.maxActive = engine.settings.maxActive
        state.confirmTasksAbove = confirmTasksAbove
        let (events, continuation) = AsyncStream.makeStream(of: AppEvent.self, bufferingPolicy: .unbounded)

        let keys = backend.events
        let keyTask = Task {
            for await key in keys { continuation.yield(.key(key)) }
            // The terminal is gone (hung up, or the backend shut down): nobody can answer a dialog.
            continuation.yield(.terminalClosed)
        }
        let updates = engine.updates
        let updateTask = Task { for await task in updates { continuation.yield(.taskUpdated(task)) } }
        let notices = engine.notices
        let noticeTask = Task {
            for await notice in notices {
                switch notice.kind {
                case .problem: continuation.yield(.backgroundProblem(notice.message))
                case .retrying: continuation.yield(.notice(notice.message, isError: false))
                }
            }
        }
        let finetuneUpdates = engine.finetuneUpdates
        let finetuneTask = Task { for await entry in finetuneUpdates { continuation.yield(.finetuneUpdated(entry)) } }
        // One tick a second advances elapsed times and expires toasts; an unchanged frame costs
        // nothing to present, so an idle app stays idle.
        let tickTask = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                continuation.yield(.tick(Date()))
            }
        }
        let client = self.client
        let creditsTask = Task {
            while !Task.isCancelled {
                if let credits = try? await client.credits(retry: Self.interactiveRetry) { continuation.yield(.credits(credits)) }
                try? await Task.sleep(for: .seconds(60))
            }
        }

        // The stored tasks are read off the loop: 10,000 of them take ~0.2 s, and the first frame
        // (the endpoint picker) does not wait for them. Updates from the engine may arrive first;
        // `TaskListState.load` keeps the newer of the two.
        let store = self.store
        Task.detached(priority: .userInitiated) {
            do {
                let tasks = try store.tasks()
                // Batches first, so the grouped list has its titles with the tasks.
                continuation.yield(.batchesLoaded((try? store.batches()) ?? []))
                continuation.yield(.tasksLoaded(tasks))
                continuation.yield(.promptHistoryLoaded(PromptHistory(tasks: tasks)))
                continuation.yield(.finetunesLoaded(try store.finetunes()))
                // Tasks taken off the list (and the command line's) count towards today's budget too.
                continuation.yield(.chargesLoaded(try store.charges(since: Calendar.current.startOfDay(for: Date()))))
            } catch {
                continuation.yield(.tasksLoaded([]))
                continuation.yield(.notice("could not read the task database: \(error)", isError: true))
            }
        }
        // Engine commands run in the order they were asked for, off the loop: the loop only enqueues.
        let (commands, commandQueue) = AsyncStream.makeStream(of: AppEffect.self, bufferingPolicy: .unbounded)
        let engineTask = Task {
            await self.engine.resume()
            for await command in commands { await self.performEngineCommand(command, continuation: continuation) }
        }
        Task { await self.refreshFinetunes(continuation) }
        if let startupNotice { continuation.yield(.notice(startupNotice, isError: false)) }

        // The first frame is painted before any event arrives.
        var (lastFrame, layout) = AppView.frame(state, theme: theme)
        state.adopt(layout)
        backend.present(lastFrame)
        // Opt-in for benchmarks (scripts/bench): the CLOCK_MONOTONIC time of the first painted frame.
        if let path = ProcessInfo.processInfo.environment["FLUX_TUI_TRACE_FIRST_FRAME"] { Self.writeMonotonicTime(to: path) }
        var pacer = FramePacer()
        for await event in events {
            for effect in AppUpdate.step(&state, event) { perform(effect, continuation: continuation, engine: commandQueue) }
            if state.quitting { break }
            switch pacer.decide(for: event, now: .now) {
            case .draw: break
            case .hold: continue
            case .holdAndRemind(let delay):
                Task {
                    try? await Task.sleep(for: delay)
                    continuation.yield(.frameDue)
                }
                continue
            }
            let (frame, layout) = AppView.frame(state, theme: theme)
            // Rendering writes back where it drew the lists and buttons (see `FrameLayout`).
            state.adopt(layout)
            if frame != lastFrame {
                backend.present(frame)
                lastFrame = frame
            }
            pacer.drew(at: .now)
        }
        keyTask.cancel()
        updateTask.cancel()
        finetuneTask.cancel()
        noticeTask.cancel()
        tickTask.cancel()
        creditsTask.cancel()
        commandQueue.finish()
        await engineTask.value
        continuation.finish()
    }

    static func writeMonotonicTime(to path: String) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        try? "\(nanoseconds)\n".write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// Starts an effect and returns at once: each runs as its own task and answers with an event,
    /// so a key press gets its frame whatever the disk, the network or a clipboard tool does.
    func perform(_ effect: AppEffect, continuation: AsyncStream<AppEvent>.Continuation,
                 engine: AsyncStream<AppEffect>.Continuation) {
        switch effect {
        case .submit, .removeTask, .retryDownload, .cancelTask, .submitBatch:
            engine.yield(effect)
        case .readSweepFile(let endpoint, let spec):
            // A prompts file may be long, or on a slow disk: never on the loop.
            Task.detached(priority: .userInitiated) {
                continuation.yield(.sweepFileRead(spec, SweepAxis.parse(spec.assignment, for: endpoint)))
            }
        case .copy(let text, let what):
            Task.detached {
                let via = SystemActions.copy(text)
                // Short values are repeated in the message; a whole command is not.
                let shown = text.count <= 80 && !text.contains("\n") ? " \(text)" : ""
                continuation.yield(.notice("Copied \(what)\(shown) via \(via)", isError: false))
            }
        case .openFolder(let path), .openFile(let path):
            Task.detached {
                continuation.yield(.notice(SystemActions.open(path) ?? "Opened \(path)", isError: false))
            }
        case .loadPreview(let key, let mode):
            // Decoding and scaling take milliseconds: never on the loop.
            Task.detached(priority: .utility) {
                let modified = PreviewLoader.modificationDate(path: key.path)
                let result = PreviewLoader.load(path: key.path, columns: key.columns, rows: key.rows, mode: mode)
                continuation.yield(.previewLoaded(key, LoadedPreview(result: result, modified: modified)))
            }
        case .inspectFile(let check):
            let files = self.files
            Task.detached(priority: .userInitiated) {
                continuation.yield(.fileInspected(check, await files.facts(for: check)))
            }
        case .completePath(let target, let text):
            Task.detached(priority: .userInitiated) {
                continuation.yield(.pathCompleted(target, typed: text, PathCompletion.complete(text)))
            }
        case .scanFolder(let path):
            // Scanning reads every image header: off the loop.
            Task.detached { continuation.yield(.datasetScanned(FinetuneDataset.scan(URL(fileURLWithPath: path)))) }
        case .saveCaption(let folder, let image, let text):
            Task.detached {
                var dataset = FinetuneDataset.scan(URL(fileURLWithPath: folder))
                do {
                    try dataset.saveCaption(text, for: image)
                    continuation.yield(.datasetScanned(FinetuneDataset.scan(URL(fileURLWithPath: folder))))
                    continuation.yield(.notice("Saved the caption of \(image)", isError: false))
                } catch {
                    continuation.yield(.notice("Could not save the caption of \(image): \(error)", isError: true))
                }
            }
        case .loadBatch(let id):
            let store = self.store
            Task.detached(priority: .userInitiated) {
                continuation.yield(.batchLoaded(id: id, try? store.batch(id: id)))
            }
        case .refreshFinetunes:
            Task { await self.refreshFinetunes(continuation) }
        case .deleteFinetune(let id):
            let client = self.client
            let store = self.store
            Task {
                continuation.yield(.busy("Deleting fine-tune \(id)…"))
                do {
                    _ = try await client.deleteFinetune(id: id, retry: Self.interactiveRetry)
                    try? store.deleteFinetune(id: id)
                    continuation.yield(.finetuneDeleted(id))
                } catch {
                    continuation.yield(.notice("Could not delete \(id): \(error)", isError: true))
                }
                continuation.yield(.busy(nil))
            }
        case .exportTasks(let format):
            let store = self.store
            let folder = self.engine.settings.outputDirectory
            Task.detached {
                do {
                    let written = try TaskExportFile.write(try store.tasks(), as: format, into: folder, now: Date())
                    continuation.yield(.notice("Exported \(written.count) task\(written.count == 1 ? "" : "s") to \(written.path)",
                                               isError: false))
                } catch {
                    continuation.yield(.notice("Could not export the tasks: \(error)", isError: true))
                }
            }
        case .loadSpendReport:
            let store = self.store
            Task.detached(priority: .userInitiated) {
                do {
                    continuation.yield(.spendReportLoaded(SpendReport(charges: try store.charges())))
                } catch {
                    continuation.yield(.notice("Could not read the spend from the task database: \(error)", isError: true))
                }
            }
        case .refreshCredits:
            let client = self.client
            Task {
                if let credits = try? await client.credits(retry: Self.interactiveRetry) { continuation.yield(.credits(credits)) }
            }
        case .notify(let notification, let style):
            // A few bytes to the terminal between frames, under the backend's lock like a frame.
            backend.notify(notification, style: style)
        case .quit:
            break
        }
    }

    /// The engine's share of the effects, one at a time in the order the user asked.
    func performEngineCommand(_ effect: AppEffect, continuation: AsyncStream<AppEvent>.Continuation) async {
        switch effect {
        case .submit(let endpoint, let parameters, let origin):
            // Files are checked again as they are now: the form saw them while the user typed.
            switch RequestPreparer.prepare(endpoint, parameters) {
            case .success(let prepared): await engine.submit(prepared, origin: origin)
            case .failure(.invalidInput(let issues)): continuation.yield(.submitRefused(endpoint: endpoint.id, issues))
            case .failure(let error): continuation.yield(.notice("\(endpoint.id): \(error)", isError: true))
            }
        case .submitBatch(let batch):
            // Every request is built and checked (files read) before the first is queued: all or nothing.
            switch BatchBuilder.build(batch) {
            case .success(let (entry, requests)):
                continuation.yield(.batchAdded(entry))
                await engine.submit(batch: entry, requests: requests)
            case .failure(let refusal): continuation.yield(.batchRefused(refusal))
            }
        case .removeTask(let id): await engine.remove(id: id)
        case .retryDownload(let id): await engine.retryDownload(id: id)
        case .cancelTask(let id): await engine.cancel(id: id)
        default: break
        }
    }

    /// Reads the account's fine-tunes (ids, details, training status) and stores what it learns.
    /// Servers without the fine-tune calls are fine: the stored list stays.
    func refreshFinetunes(_ continuation: AsyncStream<AppEvent>.Continuation) async {
        guard let ids = try? await client.myFinetunes(retry: Self.interactiveRetry) else {
            continuation.yield(.finetunesLoaded((try? store.finetunes()) ?? []))
            return
        }
        let known = Dictionary(((try? store.finetunes(includeHidden: true)) ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var entries: [FinetuneEntry] = []
        for id in ids {
            var entry = known[id] ?? FinetuneEntry(id: id)
            if let details = try? await client.finetuneDetails(id: id, retry: Self.interactiveRetry) {
                entry.details = .object(details.fields)
                entry.comment = details.comment ?? entry.comment
                entry.triggerWord = details.triggerWord ?? entry.triggerWord
                entry.mode = details.mode ?? entry.mode
                entry.finetuneType = details.finetuneType ?? entry.finetuneType
            }
            if let status = try? await client.result(id: id, retry: Self.interactiveRetry) {
                entry.statusText = status.status.text
                entry.progress = status.status.isFinal ? nil : status.progress
            }
            entry.updatedAt = Date()
            try? store.save(entry)
            entries.append(entry)
        }
        // Fine-tunes deleted elsewhere leave the list.
        for gone in known.keys where !ids.contains(gone) { try? store.deleteFinetune(id: gone) }
        continuation.yield(.finetunesLoaded(entries))
    }
}
