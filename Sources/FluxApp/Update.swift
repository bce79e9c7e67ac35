import FluxAPI
import Foundation
import TaskStore
import TerminalKit

/// The app's reducer: applies one event to the state and returns the side effects to perform.
/// Pure, so every screen's key handling is tested without a terminal.
public enum AppUpdate {
    public static func update(_ state: inout AppState, _ event: AppEvent) -> [AppEffect] {
        switch event {
        case .key(.resize(let width, let height)):
            state.size = Size(width: width, height: height)
            return []
        case .key(let key):
            return handleKey(&state, key)
        case .tasksLoaded(let tasks):
            state.tasks.load(tasks)
            state.lastSeed = state.tasks.all.first { $0.seed != nil }?.seed
            return []
        case .taskUpdated(let task):
            let previous = state.tasks.task(id: task.id)
            state.tasks.upsert(task)
            if let seed = task.seed, previous?.seed != seed { state.lastSeed = seed }
            if previous?.phase != task.phase {
                switch task.phase {
                case .done: state.toast("Ready: \(task.endpoint) → \(task.outputs.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "done")", .success)
                case .failed, .uncertain:
                    state.lastError = task.error
                    state.toast("\(task.endpoint): \(task.error ?? "failed")", .error)
                case .moderated: state.toast("\(task.endpoint): \(task.error ?? "moderated")", .warning)
                default: break
                }
            }
            return []
        case .tick(let date):
            state.now = date
            state.instant = .now
            state.toasts.prune(at: state.instant)
            return []
        case .credits(let credits):
            state.server.credits = credits
            return []
        case .frameDue:
            return []
        case .finetunesLoaded(let list):
            state.finetunes.refreshing = false
            state.finetunes.load(list)
            state.form?.knownFinetunes = state.finetunes.ids
            return []
        case .finetuneUpdated(let entry):
            state.finetunes.upsert(entry)
            state.form?.knownFinetunes = state.finetunes.ids
            return []
        case .finetuneDeleted(let id):
            state.finetunes.load(state.finetunes.entries.filter { $0.id != id })
            state.toast("Deleted fine-tune \(id)", .success)
            return []
        case .datasetScanned(let dataset):
            state.composer.setDataset(dataset)
            if state.composer.focus == .path && !dataset.images.isEmpty { state.composer.focus = .images }
            return []
        case .notice(let message, let isError):
            if isError { state.lastError = message }
            state.toast(message, isError ? .error : .info)
            return []
        case .previewLoaded(let key, let preview):
            state.previews.store(key, preview)
            return []
        }
    }

    // MARK: previews

    /// The previews the current screen shows, worked out with the views' own layout functions.
    static func wantedPreviews(_ state: AppState) -> [PreviewKey] {
        guard state.colorMode != .none, !state.minimumSize.isTooSmall(state.size) else { return [] }
        if case .imagePreview(let path, _)? = state.overlay {
            let area = AppView.fullPreviewArea(state.size)
            return area.isEmpty ? [] : [PreviewKey(path: path, columns: area.width, rows: area.height)]
        }
        guard state.overlay == nil else { return [] }
        let content = AppView.contentArea(state.size)
        func key(_ p: (path: String, frame: Rect, image: Rect)?) -> [PreviewKey] {
            p.map { [PreviewKey(path: $0.path, columns: $0.image.width, rows: $0.image.height)] } ?? []
        }
        switch state.screen {
        case .tasks: return state.tasks.previewKey(in: content).map { [$0] } ?? []
        case .form: return key(state.form?.previewPlacement(in: content))
        case .composer: return key(state.composer.previewPlacement(in: content))
        default: return []
        }
    }

    /// Loads for the previews on screen that are neither cached nor on their way. The runner calls
    /// this after every `update`, so views only ever draw from the cache.
    public static func previewEffects(_ state: inout AppState) -> [AppEffect] {
        wantedPreviews(state).filter { state.previews.request($0) }.map { .loadPreview($0, state.colorMode) }
    }

    // MARK: keys

    static func handleKey(_ state: inout AppState, _ key: KeyEvent) -> [AppEffect] {
        if state.overlay != nil { return handleOverlayKey(&state, key) }
        if key == .ctrl("c") { return requestQuit(&state) }
        if key == .function(1) { showHelp(&state); return [] }
        switch state.screen {
        case .picker:
            switch state.picker.handle(key) {
            case .open(let endpoint):
                if state.form?.endpoint.id != endpoint.id { state.form = FormState(endpoint: endpoint) }
                state.form?.knownFinetunes = state.finetunes.ids
                state.screen = .form
                return []
            case .handled: return []
            case .ignored: return handleGlobal(&state, key, textFocused: state.picker.isFiltering)
            }
        case .form:
            guard var form = state.form else { state.screen = .picker; return [] }
            let outcome = form.handle(key, lastSeed: state.lastSeed)
            state.form = form
            switch outcome {
            case .handled: return []
            case .back:
                state.screen = .picker
                state.picker.select(id: form.endpoint.id)
                return []
            case .preview:
                state.overlay = .preview(title: "JSON body for \(form.endpoint.path)", lines: form.previewLines, offset: 0)
                return []
            case .openChoices(let field, let options, let selected):
                var list = SelectableList(items: options.enumerated().map { ListItem(id: String($0.offset), title: $0.element) },
                                          title: field, filterable: options.count > 6)
                list.select(index: selected)
                state.overlay = .choices(field: field, list: list)
                return []
            case .blocked(let why):
                state.toast(why, .warning)
                return []
            case .submit(let parameters):
                state.screen = .tasks
                state.toast("Submitting \(form.endpoint.id)…", .info)
                return [.submit(endpoint: form.endpoint.id, parameters: parameters)]
            case .ignored:
                // In a form only "?" (on a non-text control) is global: q or 1 must not leave a
                // half-filled form by accident.
                if key == .char("?") && (form.submitFocused || !form.form.focusIsText) { showHelp(&state) }
                return []
            }
        case .finetunes:
            switch state.finetunes.handle(key) {
            case .handled: return []
            case .ignored: return handleGlobal(&state, key, textFocused: false)
            case .compose:
                state.screen = .composer
                return []
            case .refresh:
                state.finetunes.refreshing = true
                return [.refreshFinetunes]
            case .use(let entry):
                let endpoints = EndpointRegistry.all.filter(\.usesFinetune)
                state.overlay = .useFinetune(finetuneID: entry.id, list: SelectableList(
                    items: endpoints.map { ListItem(id: $0.id, title: $0.id, detail: $0.title) }, title: "Use \(entry.id.prefix(12)) with", filterable: false))
                return []
            case .delete(let entry):
                state.overlay = .confirmDelete(finetuneID: entry.id, dialog: ModalDialog(
                    title: "Delete fine-tune?", message: "\(entry.comment ?? entry.id) (\(entry.id)) will be deleted on the server. This cannot be undone.",
                    buttons: ["Keep", "Delete"], kind: .warning))
                return []
            }
        case .composer:
            switch state.composer.handle(key) {
            case .handled: return []
            case .ignored: return []
            case .back:
                state.screen = .finetunes
                return []
            case .scan(let path): return [.scanFolder(path)]
            case .saveCaption(let folder, let image, let text): return [.saveCaption(folder: folder, image: image, text: text)]
            case .blocked(let why):
                state.toast(why, .warning)
                return []
            case .openChoices(let field, let options, let selected):
                var list = SelectableList(items: options.enumerated().map { ListItem(id: String($0.offset), title: $0.element) },
                                          title: field, filterable: options.count > 6)
                list.select(index: selected)
                state.overlay = .choices(field: field, list: list)
                return []
            case .submit(let parameters):
                state.screen = .tasks
                state.toast("Uploading the fine-tune…", .info)
                return [.submit(endpoint: "finetune", parameters: parameters)]
            }
        case .tasks:
            state.tasks.cursor.viewportHeight = state.tasks.tableBodyHeight(in: Size(width: state.size.width, height: max(0, state.size.height - 3)))
            let outcome = state.tasks.handle(key)
            switch outcome {
            case .handled: return []
            case .ignored: return handleGlobal(&state, key, textFocused: state.tasks.isFiltering)
            case .rerun(let task, let newSeed):
                guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return [] }
                var parameters = task.parameters
                if newSeed { parameters["seed"] = nil } else if let seed = task.seed, endpoint.field("seed") != nil {
                    parameters["seed"] = .integer(seed)
                }
                state.toast(newSeed ? "Rerunning with a new seed" : "Rerunning with seed \(task.seed.map(String.init) ?? "random")", .info)
                return [.submit(endpoint: endpoint.id, parameters: parameters)]
            case .edit(let task):
                guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return [] }
                var parameters = task.parameters
                if let seed = task.seed, endpoint.field("seed") != nil { parameters["seed"] = .integer(seed) }
                state.form = FormState(endpoint: endpoint, prefill: parameters)
                state.form?.knownFinetunes = state.finetunes.ids
                state.screen = .form
                return []
            case .copy(let task):
                var items = [ListItem(id: "seed", title: "Seed", detail: task.seed.map(String.init) ?? "none"),
                             ListItem(id: "id", title: "Task id", detail: task.remoteID ?? task.id)]
                if let path = task.outputs.first { items.insert(ListItem(id: "path", title: "Output path", detail: path), at: 1) }
                state.overlay = .copyMenu(taskID: task.id, picker: SelectableList(items: items, title: "Copy", filterable: false))
                return []
            case .openOutput(let task):
                guard let path = task.outputs.first else {
                    state.toast("This task has no output yet", .warning)
                    return []
                }
                return [.openFile(path)]
            case .previewOutput(let task):
                guard let path = task.outputs.first, task.phase == .done else {
                    state.toast("This task has no image to preview yet", .warning)
                    return []
                }
                state.overlay = .imagePreview(path: path, title: "\(task.endpoint) · \(URL(fileURLWithPath: path).lastPathComponent)")
                return []
            case .openFolder(let task):
                guard let path = task.outputs.first else {
                    state.toast("This task has no output yet", .warning)
                    return []
                }
                return [.openFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path)]
            case .retryDownload(let task):
                guard task.remoteID != nil, task.phase == .failed || task.phase == .done else {
                    state.toast("Only a finished task's download can be retried", .warning)
                    return []
                }
                state.toast("Downloading again…", .info)
                return [.retryDownload(id: task.id)]
            case .cancel(let task):
                guard task.phase == .queued || task.phase == .submitting else {
                    state.toast("Only a queued task or an upload in progress can be cancelled", .warning)
                    return []
                }
                return [.cancelTask(id: task.id)]
            case .remove(let task):
                state.tasks.remove(id: task.id)
                state.toast("Removed from the list; files kept", .info)
                return [.removeTask(id: task.id)]
            }
        }
    }

    static func isPrintable(_ key: KeyEvent) -> Bool {
        if case .char = key { return true }
        return false
    }

    /// Keys that work on every screen when no text field has them.
    static func handleGlobal(_ state: inout AppState, _ key: KeyEvent, textFocused: Bool) -> [AppEffect] {
        guard !textFocused else { return [] }
        switch key {
        case .char("?"): showHelp(&state)
        case .char("1"): state.screen = .picker
        case .char("2"): state.screen = .tasks
        case .char("3"): state.screen = .finetunes
        case .char(":"): openPalette(&state)
        case .char("q"): return requestQuit(&state)
        case .escape where state.screen == .tasks || state.screen == .finetunes: state.screen = .picker
        default: break
        }
        return []
    }

    static func showHelp(_ state: inout AppState) {
        let titles: [Screen: String] = [.tasks: "Task list keys", .form: "Form keys", .picker: "Endpoint picker keys",
                                        .finetunes: "Fine-tunes keys", .composer: "Composer keys"]
        let title = titles[state.screen] ?? "Keys"
        state.overlay = .help(HelpOverlay(title: title, bindings: Keymap.bindings(for: state.screen)))
    }

    static func requestQuit(_ state: inout AppState) -> [AppEffect] {
        let busy = state.tasks.all.filter { $0.phase == .queued || $0.phase == .submitting || $0.phase == .downloading }.count
        let running = state.tasks.all.filter { $0.phase == .running }.count
        let message: String
        if busy > 0 {
            message = "\(busy) task\(busy == 1 ? " is" : "s are") still being submitted or downloaded. "
                + "They resume when you start flux-tui again; a submit cut off now is marked uncertain."
        } else if state.server.isSimulator && running > 0 {
            // The built-in simulator lives in this process: its tasks end with it.
            message = "\(running) task\(running == 1 ? " runs" : "s run") on the built-in simulator, which stops "
                + "when flux-tui quits; \(running == 1 ? "it" : "they") will not finish."
        } else {
            state.quitting = true
            return [.quit]
        }
        state.overlay = .confirmQuit(ModalDialog(title: "Quit?", message: message, buttons: ["Keep running", "Quit"], kind: .warning))
        return []
    }

    static let paletteCommands: [(id: String, title: String)] = [
        ("endpoints", "Go to endpoints"), ("tasks", "Go to tasks"), ("finetunes", "Go to fine-tunes"),
        ("composer", "Compose a fine-tune"), ("help", "Show keys"), ("quit", "Quit"),
    ] + EndpointRegistry.all.map { ("open:\($0.id)", "New \($0.id) task") }

    static func openPalette(_ state: inout AppState) {
        let items = paletteCommands.map { ListItem(id: $0.id, title: $0.title) }
        var list = SelectableList(items: items, title: "Command", filterable: true)
        _ = list.handle(.char("/"))
        state.overlay = .palette(list)
    }

    static func handleOverlayKey(_ state: inout AppState, _ key: KeyEvent) -> [AppEffect] {
        guard let overlay = state.overlay else { return [] }
        switch overlay {
        case .help(var help):
            // Scroll keys scroll; any other key closes the help.
            let scrolls: Set<KeyEvent> = [.up, .down, .pageUp, .pageDown, .home, .end, .char("j"), .char("k")]
            if scrolls.contains(key) {
                _ = help.handle(key)
                state.overlay = .help(help)
            } else {
                state.overlay = nil
            }
        case .preview(let title, let lines, let offset):
            switch key {
            case .up, .char("k"): state.overlay = .preview(title: title, lines: lines, offset: max(0, offset - 1))
            case .down, .char("j"): state.overlay = .preview(title: title, lines: lines, offset: min(max(0, lines.count - 1), offset + 1))
            case .pageDown: state.overlay = .preview(title: title, lines: lines, offset: min(max(0, lines.count - 1), offset + 10))
            case .pageUp: state.overlay = .preview(title: title, lines: lines, offset: max(0, offset - 10))
            default: state.overlay = nil
            }
        case .imagePreview(let path, _):
            // Any key closes; o opens the image with the desktop's viewer.
            state.overlay = nil
            if key == .char("o") { return [.openFile(path)] }
        case .confirmQuit(var dialog):
            switch dialog.handle(key) {
            case .chose(1):
                state.overlay = nil
                state.quitting = true
                return [.quit]
            case .chose, .dismissed:
                state.overlay = nil
            default:
                state.overlay = .confirmQuit(dialog)
            }
        case .copyMenu(let taskID, var picker):
            if key == .escape || key == .char("q") { state.overlay = nil; return [] }
            switch key == .enter ? picker.selectedIndex.map(ListOutcome.activated) ?? .handled : picker.handle(key) {
            case .activated(let index):
                state.overlay = nil
                guard let task = state.tasks.task(id: taskID) else { return [] }
                switch picker.items[index].id {
                case "seed":
                    guard let seed = task.seed else { state.toast("This task has no seed yet", .warning); return [] }
                    return [.copy(String(seed), what: "seed")]
                case "path": return task.outputs.first.map { [.copy($0, what: "path")] } ?? []
                default: return [.copy(task.remoteID ?? task.id, what: "task id")]
                }
            default: state.overlay = .copyMenu(taskID: taskID, picker: picker)
            }
        case .choices(let field, var list):
            if key == .escape && !list.isFiltering { state.overlay = nil; return [] }
            if key == .enter {
                state.overlay = nil
                if let index = list.selectedIndex {
                    if state.screen == .composer { state.composer.form.choose(index, for: field) }
                    else { state.form?.choose(index, for: field) }
                }
                return []
            }
            _ = list.handle(key)
            state.overlay = .choices(field: field, list: list)
        case .confirmDelete(let id, var dialog):
            switch dialog.handle(key) {
            case .chose(1):
                state.overlay = nil
                return [.deleteFinetune(id)]
            case .chose, .dismissed:
                state.overlay = nil
            default:
                state.overlay = .confirmDelete(finetuneID: id, dialog: dialog)
            }
        case .useFinetune(let id, var list):
            if key == .escape { state.overlay = nil; return [] }
            if key == .enter, let item = list.selectedItem, let endpoint = EndpointRegistry.endpoint(named: item.id) {
                state.overlay = nil
                var form = FormState(endpoint: endpoint, prefill: TaskParameters(["finetune_id": .text(id)]))
                form.knownFinetunes = state.finetunes.ids
                state.form = form
                state.screen = .form
                return []
            }
            _ = list.handle(key)
            state.overlay = .useFinetune(finetuneID: id, list: list)
        case .palette(var list):
            // Enter runs the highlighted command even while the filter is being typed.
            if key == .enter {
                state.overlay = nil
                return list.selectedItem.map { runCommand(&state, $0.id) } ?? []
            }
            if key == .escape && !list.isFiltering { state.overlay = nil; return [] }
            _ = list.handle(key)
            state.overlay = .palette(list)
        }
        return []
    }

    static func runCommand(_ state: inout AppState, _ id: String) -> [AppEffect] {
        switch id {
        case "endpoints": state.screen = .picker
        case "tasks": state.screen = .tasks
        case "finetunes": state.screen = .finetunes
        case "composer": state.screen = .composer
        case "help": showHelp(&state)
        case "quit": return requestQuit(&state)
        default:
            if id.hasPrefix("open:"), let endpoint = EndpointRegistry.endpoint(named: String(id.dropFirst(5))) {
                state.picker.select(id: endpoint.id)
                state.form = FormState(endpoint: endpoint)
                state.screen = .form
            }
        }
        return []
    }
}
