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

    public init(backend: any TerminalBackend, engine: TaskEngine, store: TaskStore, client: FluxClient,
                theme: Theme, server: ServerInfo, startupNotice: String? = nil) {
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
        let (events, continuation) = AsyncStream.makeStream(of: AppEvent.self, bufferingPolicy: .unbounded)

        let keys = backend.events
        let keyTask = Task {
            for await key in keys { continuation.yield(.key(key)) }
            continuation.yield(.key(.ctrl("c")))
        }
        let updates = engine.updates
        let updateTask = Task { for await task in updates { continuation.yield(.taskUpdated(task)) } }
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
                if let credits = try? await client.credits() { continuation.yield(.credits(credits)) }
                try? await Task.sleep(for: .seconds(60))
            }
        }

        // The stored tasks are read off the loop: 10,000 of them take ~0.2 s, and the first frame
        // (the endpoint picker) does not wait for them. Updates from the engine may arrive first;
        // `TaskListState.load` keeps the newer of the two.
        let store = self.store
        Task.detached(priority: .userInitiated) {
            do {
                continuation.yield(.tasksLoaded(try store.tasks()))
                continuation.yield(.finetunesLoaded(try store.finetunes()))
            } catch {
                continuation.yield(.tasksLoaded([]))
                continuation.yield(.notice("could not read the task database: \(error)", isError: true))
            }
        }
        await engine.resume()
        Task { await self.refreshFinetunes(continuation) }
        if let startupNotice { continuation.yield(.notice(startupNotice, isError: false)) }

        // The first frame is painted before any event arrives.
        var lastFrame = AppView.render(state, theme: theme)
        backend.present(lastFrame)
        // Opt-in for benchmarks (scripts/bench): the CLOCK_MONOTONIC time of the first painted frame.
        if let path = ProcessInfo.processInfo.environment["FLUX_TUI_TRACE_FIRST_FRAME"] { Self.writeMonotonicTime(to: path) }
        var pacer = FramePacer()
        for await event in events {
            let effects = AppUpdate.update(&state, event) + AppUpdate.previewEffects(&state)
            for effect in effects { await perform(effect, continuation: continuation) }
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
            let frame = AppView.render(state, theme: theme)
            if frame != lastFrame {
                backend.present(frame)
                lastFrame = frame
            }
            pacer.drew(at: .now)
        }
        keyTask.cancel()
        updateTask.cancel()
        finetuneTask.cancel()
        tickTask.cancel()
        creditsTask.cancel()
        continuation.finish()
    }

    static func writeMonotonicTime(to path: String) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        try? "\(nanoseconds)\n".write(toFile: path, atomically: false, encoding: .utf8)
    }

    func perform(_ effect: AppEffect, continuation: AsyncStream<AppEvent>.Continuation) async {
        switch effect {
        case .submit(let id, let parameters):
            // Bridge until the app layer hands the engine a PreparedRequest (issue 14).
            guard let endpoint = EndpointRegistry.endpoint(named: id) else { return }
            switch RequestPreparer.prepare(endpoint, parameters) {
            case .success(let request): await engine.submit(request)
            case .failure(let error): continuation.yield(.notice(error.description, isError: true))
            }
        case .removeTask(let id):
            await engine.remove(id: id)
        case .retryDownload(let id):
            await engine.retryDownload(id: id)
        case .copy(let text, let what):
            let via = SystemActions.copy(text)
            continuation.yield(.notice("Copied \(what) \(text) via \(via)", isError: false))
        case .openFolder(let path):
            if let problem = SystemActions.open(path) { continuation.yield(.notice(problem, isError: false)) }
            else { continuation.yield(.notice("Opened \(path)", isError: false)) }
        case .openFile(let path):
            if let problem = SystemActions.open(path) { continuation.yield(.notice(problem, isError: false)) }
            else { continuation.yield(.notice("Opened \(path)", isError: false)) }
        case .loadPreview(let key, let mode):
            // Decoding and scaling take milliseconds: never on the loop.
            Task.detached(priority: .utility) {
                let modified = PreviewLoader.modificationDate(path: key.path)
                let result = PreviewLoader.load(path: key.path, columns: key.columns, rows: key.rows, mode: mode)
                continuation.yield(.previewLoaded(key, LoadedPreview(result: result, modified: modified)))
            }
        case .cancelTask(let id):
            await engine.cancel(id: id)
        case .scanFolder(let path):
            // Scanning reads every image header: off the loop.
            Task.detached { continuation.yield(.datasetScanned(FinetuneDataset.scan(URL(fileURLWithPath: path)))) }
        case .saveCaption(let folder, let image, let text):
            var dataset = FinetuneDataset.scan(URL(fileURLWithPath: folder))
            do {
                try dataset.saveCaption(text, for: image)
                continuation.yield(.datasetScanned(FinetuneDataset.scan(URL(fileURLWithPath: folder))))
                continuation.yield(.notice("Saved the caption of \(image)", isError: false))
            } catch {
                continuation.yield(.notice("Could not save the caption of \(image): \(error)", isError: true))
            }
        case .refreshFinetunes:
            Task { await self.refreshFinetunes(continuation) }
        case .deleteFinetune(let id):
            do {
                _ = try await client.deleteFinetune(id: id)
                try? store.deleteFinetune(id: id)
                continuation.yield(.finetuneDeleted(id))
            } catch {
                continuation.yield(.notice("Could not delete \(id): \(error)", isError: true))
            }
        case .quit:
            break
        }
    }

    /// Reads the account's fine-tunes (ids, details, training status) and stores what it learns.
    /// Servers without the fine-tune calls are fine: the stored list stays.
    func refreshFinetunes(_ continuation: AsyncStream<AppEvent>.Continuation) async {
        guard let ids = try? await client.myFinetunes() else {
            continuation.yield(.finetunesLoaded((try? store.finetunes()) ?? []))
            return
        }
        let known = Dictionary(((try? store.finetunes(includeHidden: true)) ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var entries: [FinetuneEntry] = []
        for id in ids {
            var entry = known[id] ?? FinetuneEntry(id: id)
            if let details = try? await client.finetuneDetails(id: id) {
                entry.details = .object(details.fields)
                entry.comment = details.comment ?? entry.comment
                entry.triggerWord = details.triggerWord ?? entry.triggerWord
                entry.mode = details.mode ?? entry.mode
                entry.finetuneType = details.finetuneType ?? entry.finetuneType
            }
            if let status = try? await client.result(id: id) {
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
