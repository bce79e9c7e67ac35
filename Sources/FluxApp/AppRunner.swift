import FluxAPI
import Foundation
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
        let (events, continuation) = AsyncStream.makeStream(of: AppEvent.self, bufferingPolicy: .unbounded)

        let keys = backend.events
        let keyTask = Task {
            for await key in keys { continuation.yield(.key(key)) }
            continuation.yield(.key(.ctrl("c")))
        }
        let updates = engine.updates
        let updateTask = Task { for await task in updates { continuation.yield(.taskUpdated(task)) } }
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

        do {
            continuation.yield(.tasksLoaded(try store.tasks()))
        } catch {
            continuation.yield(.notice("could not read the task database: \(error)", isError: true))
        }
        await engine.resume()
        if let startupNotice { continuation.yield(.notice(startupNotice, isError: false)) }

        var lastFrame: ScreenBuffer?
        for await event in events {
            let effects = AppUpdate.update(&state, event)
            for effect in effects { await perform(effect, continuation: continuation) }
            if state.quitting { break }
            let frame = AppView.render(state, theme: theme)
            if frame != lastFrame {
                backend.present(frame)
                lastFrame = frame
            }
        }
        keyTask.cancel()
        updateTask.cancel()
        tickTask.cancel()
        creditsTask.cancel()
        continuation.finish()
    }

    func perform(_ effect: AppEffect, continuation: AsyncStream<AppEvent>.Continuation) async {
        switch effect {
        case .submit(let id, let parameters):
            guard let endpoint = EndpointRegistry.endpoint(named: id) else { return }
            await engine.submit(endpoint: endpoint, parameters: parameters)
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
        case .quit:
            break
        }
    }
}
