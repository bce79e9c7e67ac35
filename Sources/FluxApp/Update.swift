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
            // Oldest first, so the durations learned are the newest; tasks already seen taught already.
            for task in tasks.filter({ state.tasks.task(id: $0.id) == nil })
                .sorted(by: { ($0.finishedAt ?? $0.updatedAt) < ($1.finishedAt ?? $1.updatedAt) }) {
                learn(from: task, previous: nil, &state)
            }
            state.tasks.load(tasks)
            state.costEstimator.learn(from: tasks)
            for task in tasks { state.spending.record(task) }
            state.lastSeed = state.tasks.all.first { $0.seed != nil }?.seed
            return []
        case .promptHistoryLoaded(let history):
            // Prompts used since start-up (already in the list) stay newest.
            let recent = state.promptHistory.prompts
            state.promptHistory = history
            for prompt in recent.reversed() { state.promptHistory.add(prompt) }
            return []
        case .taskUpdated(let task):
            let previous = state.tasks.task(id: task.id)
            if previous == nil, let prompt = task.parameters["prompt"]?.promptText { state.promptHistory.add(prompt) }
            state.tasks.upsert(task)
            learn(from: task, previous: previous, &state)
            if let seed = task.seed, previous?.seed != seed { state.lastSeed = seed }
            var effects: [AppEffect] = []
            if task.cost != nil, previous?.cost == nil {
                state.costEstimator.learn(from: task)
                state.spending.record(task)
            }
            // Accepted by the server (seen before without an id: submitted from here): the balance has moved.
            if let previous, previous.remoteID == nil, task.remoteID != nil { effects.append(.refreshCredits) }
            // A batch's tasks are announced once, when the last of them ends (see `batchEnded`).
            if let batch = task.batchID {
                if previous?.phase.isActive == true, task.phase.isFinal { effects += batchEnded(batch, &state) }
            } else if previous?.phase.isActive == true, let note = state.notifications.notification(for: task, endedAt: state.now) {
                effects.append(.notify(note, state.notifications.style))
            }
            if previous?.phase != task.phase {
                switch task.phase {
                case .done where task.batchID != nil: break
                case .done: state.toast("Ready: \(task.endpoint) → \(task.outputs.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "done")", .success)
                case .failed, .uncertain:
                    state.lastError = task.error
                    state.toast("\(task.endpoint): \(task.error ?? "failed")", .error)
                case .moderated: state.toast("\(task.endpoint): \(task.error ?? "moderated")", .warning)
                default: break
                }
            }
            return effects
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
        case .terminalClosed:
            state.quitting = true
            return [.quit]
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
        case .fileInspected(let check, let facts):
            state.form?.receive(facts, for: check.path)
            guard state.waitingFor == .fileChecks, state.form?.pendingFileChecks.isEmpty ?? true else { return [] }
            state.waitingFor = nil
            return (state.screen == .form ? FormActions.submit(&state) : []) + replayWaitingKeys(&state)
        case .pathCompleted(let target, let typed, let result):
            completed(&state, target, typed: typed, result)
            guard state.waitingFor == .completion(target) else { return [] }
            state.waitingFor = nil
            return replayWaitingKeys(&state)
        case .submitRefused(let endpoint, let issues):
            let first = issues.errors.first.map(\.description) ?? "invalid input"
            state.lastError = "\(endpoint): \(first)"
            state.toast("Not submitted: \(first)", .error)
            return []
        case .backgroundProblem(let message):
            state.lastError = message
            state.toast(message, .error)
            return []
        case .busy(let what):
            state.busy = what
            return []
        case .batchLoaded(let id, let batch):
            if let batch { state.tasks.addBatches([batch]) }
            if state.sheet?.batchID == id, let batch { state.sheet?.receive(batch, tasks: state.tasks.tasks(inBatch: id)) }
            return []
        case .chargesLoaded(let charges):
            for charge in charges { state.spending.record(id: charge.id, cost: charge.cost, at: charge.chargedAt) }
            return []
        case .spendReportLoaded(let report):
            state.overlay = .preview(title: "Spend report", lines: report.lines, offset: 0)
            return []
        case .batchesLoaded(let batches):
            state.tasks.addBatches(batches)
            return []
        case .batchAdded(let batch):
            state.tasks.addBatches([batch])
            return []
        case .batchRefused(let refusal):
            state.lastError = "batch not sent: \(refusal.message)"
            state.toast("Batch not submitted (nothing sent): \(refusal.message)", .error)
            return []
        case .sweepFileRead(let spec, let result):
            state.form?.receiveSweepFile(spec, result)
            return []
        }
    }

    /// Teaches the sweep forecast how long a task took from submission, once it is ready. (Its
    /// charge teaches `costEstimator` where `.tasksLoaded` and `.taskUpdated` record spending.)
    static func learn(from task: TaskEntry, previous: TaskEntry?, _ state: inout AppState) {
        guard previous?.phase != .done, task.phase == .done, let start = task.submittedAt, let end = task.finishedAt,
              let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return }
        state.learnedDurations.record(end.timeIntervalSince(start), group: endpoint.id)
    }

    /// One toast and one notification for a batch whose last task just ended.
    static func batchEnded(_ id: String, _ state: inout AppState) -> [AppEffect] {
        guard let header = state.tasks.batchHeader(id), header.isFinished else { return [] }
        let tasks = state.tasks.tasks(inBatch: id)
        state.toast("Batch done: \(header.title) · \(header.summary)", header.failed > 0 ? .warning : .success)
        guard let note = state.notifications.notification(forBatch: header, tasks: tasks, endedAt: state.now) else { return [] }
        return [.notify(note, state.notifications.style)]
    }

    /// The keys that waited for an answer, in order, until one of them waits again.
    static func replayWaitingKeys(_ state: inout AppState) -> [AppEffect] {
        var effects: [AppEffect] = []
        while !state.keysWhileWaiting.isEmpty, state.waitingFor == nil {
            effects += handleKey(&state, state.keysWhileWaiting.removeFirst())
        }
        return effects
    }

    static func completed(_ state: inout AppState, _ target: PathTarget, typed: String, _ result: PathCompletion.Result?) {
        switch target {
        case .formField(let field):
            guard var form = state.activeForm, form.completablePath?.field == field else { return }
            if !form.applyCompletion(field: field, typed: typed, result: result) { form.moveFocus(forward: true) }
            state.activeForm = form
        case .composerFolder:
            guard state.screen == .composer, state.composer.focus == .path, state.composer.path.text == typed else { return }
            if let result, result.text != typed {
                state.composer.path.text = result.text
            } else if let result, !result.candidates.isEmpty {
                state.composer.completionHint = result.candidates.joined(separator: "  ")
            } else {
                state.composer.moveFocus(forward: true)
            }
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
        let content = AppView.contentArea(state.size)
        if case .compare(let left, let right)? = state.overlay {
            guard let a = state.tasks.task(id: left), let b = state.tasks.task(id: right) else { return [] }
            return CompareView(left: a, right: b).previewKeys(in: content)
        }
        guard state.overlay == nil else { return [] }
        func key(_ p: (path: String, frame: Rect, image: Rect)?) -> [PreviewKey] {
            p.map { [PreviewKey(path: $0.path, columns: $0.image.width, rows: $0.image.height)] } ?? []
        }
        switch state.screen {
        case .tasks: return state.tasks.previewKey(in: content).map { [$0] } ?? []
        case .form: return key(state.form?.previewPlacement(in: content))
        case .composer: return key(state.composer.previewPlacement(in: content))
        case .sheet: return state.sheet.map { SheetLayout($0, tasks: state.tasks.tasks(inBatch: $0.batchID), in: content).previewKeys } ?? []
        default: return []
        }
    }

    /// Loads for the previews on screen that are neither cached nor on their way. The runner calls
    /// this after every `update`, so views only ever draw from the cache.
    public static func previewEffects(_ state: inout AppState) -> [AppEffect] {
        wantedPreviews(state).filter { state.previews.request($0) }.map { .loadPreview($0, state.colorMode) }
    }

    // MARK: files

    /// Inspections the open forms need and have not asked for; after every `update`, like previews.
    public static func fileEffects(_ state: inout AppState) -> [AppEffect] {
        var effects: [AppEffect] = []
        if state.screen == .form, var form = state.form {
            effects += form.takeFileRequests().map(AppEffect.inspectFile)
            effects += form.takeSweepFileRequests().map { AppEffect.readSweepFile(form.endpoint, $0) }
            state.form = form
        }
        return effects
    }

    /// Everything the runner performs after an event: the update's effects, then the previews and
    /// file checks the new state needs.
    public static func step(_ state: inout AppState, _ event: AppEvent) -> [AppEffect] {
        update(&state, event) + previewEffects(&state) + fileEffects(&state)
    }

    // MARK: keys

    static func handleKey(_ state: inout AppState, _ key: KeyEvent) -> [AppEffect] {
        if state.waitingFor != nil {
            state.keysWhileWaiting.append(key)
            return []
        }
        if case .mouse(let event) = key { return MouseActions.handle(&state, event) }
        let effects = Dispatcher.dispatch(&state, key)
        for case .completePath(let target, _) in effects { state.waitingFor = .completion(target) }
        return effects
    }
}
