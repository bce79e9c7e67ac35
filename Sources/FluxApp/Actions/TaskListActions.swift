import FluxAPI
import Foundation
import TaskStore
import TerminalKit

/// The task list's keys.
enum TaskListActions {
    static let group = "Tasks"

    /// An action on the selected task; says "no task selected" when there is none.
    static func onTask(_ id: String, _ keys: [KeyEvent], keyLabel: String? = nil, _ title: String, hint: String? = nil,
                       unless reason: @escaping @Sendable (TaskEntry) -> String? = { _ in nil },
                       run: @escaping @Sendable (inout AppState, TaskEntry) -> [AppEffect]) -> Action {
        Action(id, keys: keys, keyLabel: keyLabel, title: title, group: group, hint: hint,
               disabledReason: { state in state.tasks.selected.map(reason) ?? "no task selected" }) { state in
            guard let task = state.tasks.selected else { return [] }
            return run(&state, task)
        }
    }

    /// The batch under the cursor: its header row in the grouped list, or the batch of the selected task.
    static func selectedBatchID(_ state: AppState) -> String? {
        state.tasks.selectedBatch?.id ?? state.tasks.selected?.batchID
    }

    static func knownEndpoint(_ task: TaskEntry) -> String? {
        EndpointRegistry.endpoint(named: task.endpoint) == nil ? "\(task.endpoint) is not an endpoint this version knows" : nil
    }

    static let all: [Action] = [
        // Before the list moves: `g` on a batch's task or header opens its sheet, elsewhere it goes to the first row.
        Action("contact-sheet", keys: [.char("g")], title: "Contact sheet of the task's batch", group: group, hint: "sheet",
               when: { selectedBatchID($0) != nil }) { state in
            guard let batchID = selectedBatchID(state) else { return [] }
            return ContactSheetActions.openSheet(&state, batchID: batchID)
        },
    ] + NavigationActions.list(group, cursor: \.tasks.cursor) + [
        Action("apply-filter", keys: [.enter], title: "Keep the filter and go back to the list", group: group, inPalette: false,
               when: { $0.tasks.isFiltering }) { state in
            state.tasks.isFiltering = false
            return []
        },
        Action("toggle-detail", keys: [.enter], title: "Show / hide the detail pane", group: group, hint: "detail") { state in
            state.tasks.showDetail.toggle()
            return []
        },
        Action("filter", keys: [.char("/")], title: "Filter by prompt, endpoint, status or id", group: group, hint: "filter",
               when: { !$0.tasks.isFiltering }) { state in
            state.tasks.isFiltering = true
            return []
        },
        Action("clear-filter", keys: [.escape], title: "Clear the filter", group: group,
               when: { $0.tasks.isFiltering || !$0.tasks.filter.text.isEmpty }) { state in
            state.tasks.isFiltering = false
            state.tasks.setFilter("")
            return []
        },
        Action("close-detail", keys: [.escape], title: "Close the detail pane", group: group,
               when: { $0.tasks.showDetail && $0.tasks.selected != nil }) { state in
            state.tasks.showDetail = false
            return []
        },
        Action("group-by-batch", keys: [.char("b")], title: "Group by batch (a header row per batch) / ungroup", group: group,
               hint: "by batch") { state in
            state.tasks.setGrouped(!state.tasks.groupByBatch)
            return []
        },
        // On a batch's header (grouped list) the same keys rerun the whole batch.
        rerunAction("rerun", [.char("r")], "Rerun with the same seed", hint: "rerun",
                    newSeed: false),
        rerunAction("rerun-new-seed", [.char("R")], "Rerun with a new seed", newSeed: true),
        onTask("edit", [.char("e")], "Edit and resubmit (opens the form prefilled)", hint: "edit", unless: knownEndpoint) { state, task in
            guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return [] }
            var parameters = task.parameters
            if let seed = task.seed, endpoint.field("seed") != nil { parameters["seed"] = .integer(seed) }
            state.openForm(endpoint, prefill: parameters, parent: task.id)
            return []
        },
        onTask("copy", [.char("y")], "Copy seed, path or id", hint: "copy") { state, task in
            var items = [ListItem(id: "seed", title: "Seed", detail: task.seed.map(String.init) ?? "none"),
                         ListItem(id: "id", title: "Task id", detail: task.remoteID ?? task.id)]
            if let path = task.outputs.first { items.insert(ListItem(id: "path", title: "Output path", detail: path), at: 1) }
            if EndpointRegistry.endpoint(named: task.endpoint) != nil {
                items.append(ListItem(id: "curl", title: "curl command", detail: "the request, key as $BFL_API_KEY"))
            }
            state.overlay = .copyMenu(taskID: task.id, picker: SelectableList(items: items, title: "Copy", filterable: false))
            return []
        },
        onTask("mark", [.char("m")], "Mark for comparison (= on another task compares)", hint: "mark") { state, task in
            if state.tasks.markedID == task.id {
                state.tasks.markedID = nil
                state.toast("Unmarked", .info)
            } else {
                state.tasks.markedID = task.id
                state.toast("Marked ◆ \(task.endpoint); select another task and press = to compare", .info)
            }
            return []
        },
        Action("compare", keys: [.char("=")], title: "Compare with the marked task", group: group,
               disabledReason: compareReason) { state in
            guard let marked = state.tasks.markedID, let task = state.tasks.selected else { return [] }
            state.overlay = .compare(left: marked, right: task.id)
            return []
        },
        onTask("open-folder", [.char("f")], "Open the output folder", unless: noOutput) { _, task in
            [.openFolder(URL(fileURLWithPath: task.outputs[0]).deletingLastPathComponent().path)]
        },
        onTask("preview", [.char("p")], "Preview the output full screen", hint: "preview",
               unless: { $0.phase == .done && !$0.outputs.isEmpty ? nil : "this task has no image to preview yet" }) { state, task in
            state.overlay = .imagePreview(path: task.outputs[0],
                                          title: "\(task.endpoint) · \(URL(fileURLWithPath: task.outputs[0]).lastPathComponent)")
            return []
        },
        onTask("open-output", [.char("o")], "Open the output with the desktop's viewer", unless: noOutput) { _, task in
            [.openFile(task.outputs[0])]
        },
        onTask("retry-download", [.char("d")], "Retry a failed download",
               unless: { $0.remoteID != nil && ($0.phase == .failed || $0.phase == .done) ? nil
                   : "only a finished task's download can be retried" }) { state, task in
            state.toast("Downloading again…", .info)
            return [.retryDownload(id: task.id)]
        },
        onTask("remove", [.char("x"), .delete], keyLabel: "x/Delete", "Remove from the list (files stay)") { state, task in
            state.tasks.remove(id: task.id)
            state.toast("Removed from the list; files kept", .info)
            return [.removeTask(id: task.id)]
        },
        onTask("cancel", [.char("c")], "Cancel a queued task or an upload in progress",
               unless: { $0.phase == .queued || $0.phase == .submitting ? nil
                   : "only a queued task or an upload in progress can be cancelled" }) { _, task in
            [.cancelTask(id: task.id)]
        },
        Action("back", keys: [.escape], title: "Back to the endpoints", group: group) { state in
            state.screen = .picker
            return []
        },
    ]

    /// `=` needs a marked task on the list other than the selected one.
    static func compareReason(_ state: AppState) -> String? {
        guard let selected = state.tasks.selected else { return "no task selected" }
        guard let marked = state.tasks.markedID else { return "mark a task with m first" }
        guard state.tasks.task(id: marked) != nil else { return "the marked task is no longer on the list" }
        return marked == selected.id ? "select another task than the marked one" : nil
    }

    /// `r`/`R`: the selected task, or the whole batch when its header is selected. One action for
    /// both, so rebinding `rerun` in `[keys]` moves both.
    static func rerunAction(_ id: String, _ keys: [KeyEvent], _ title: String, hint: String? = nil, newSeed: Bool) -> Action {
        Action(id, keys: keys, title: title, group: group, hint: hint,
               disabledReason: { state in
                   if state.tasks.selectedBatch != nil { return nil }
                   return state.tasks.selected.map(knownEndpoint) ?? "no task selected"
               }) { state in
            if state.tasks.selectedBatch != nil { return rerunBatch(&state, newSeeds: newSeed) }
            guard let task = state.tasks.selected else { return [] }
            return rerun(&state, task, newSeed: newSeed)
        }
    }

    static func noOutput(_ task: TaskEntry) -> String? { task.outputs.isEmpty ? "this task has no output yet" : nil }

    /// A new batch with the header's tasks, in order: the same parameters, and the same seeds
    /// (`r`) or fresh ones (`R`).
    static func rerunBatch(_ state: inout AppState, newSeeds: Bool) -> [AppEffect] {
        guard let header = state.tasks.selectedBatch else { return [] }
        guard let batch = BatchSubmission(rerunning: header.entry, title: header.title, tasks: state.tasks.tasks(inBatch: header.id),
                                          newSeeds: newSeeds) else {
            state.toast("\(header.title): no task of it has an endpoint this version knows", .warning)
            return []
        }
        // The budget checks the whole rerun as one sum, task by task (its tasks may differ in size).
        var estimate: CostEstimator.Estimate?
        if case .tasks(let items) = batch.source {
            estimate = CostEstimator.sum(items.map { state.costEstimator.estimate($0.endpoint, $0.parameters) })
        }
        let forecast = ["\(batch.taskCount) tasks"] + [estimate?.text].compactMap { $0 }
        return FormActions.confirmOrSend(batch, forecast: forecast.joined(separator: " · "), estimate: estimate?.credits, &state)
    }

    static func rerun(_ state: inout AppState, _ task: TaskEntry, newSeed: Bool) -> [AppEffect] {
        guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return [] }
        var parameters = task.parameters
        if newSeed { parameters["seed"] = nil } else if let seed = task.seed, endpoint.field("seed") != nil {
            parameters["seed"] = .integer(seed)
        }
        let toast = newSeed ? "Rerunning with a new seed" : "Rerunning with seed \(task.seed.map(String.init) ?? "random")"
        return SpendGate.submit(&state, PendingSubmit(effects: [.submit(endpoint, parameters, origin: TaskOrigin(parentID: task.id))], toast: toast),
                                estimate: SpendGate.estimate(state, endpoint, parameters))
    }
}
