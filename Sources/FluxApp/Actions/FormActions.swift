import FluxAPI
import TaskStore
import TerminalKit

/// The parameter form's keys. The field keys (focus, choices, completion, seed) also serve the
/// composer's training settings, through `AppState.activeForm`.
enum FormActions {
    static let group = "Form"

    /// Keys that work in any form: the endpoint's and the composer's settings.
    static func fieldActions(_ group: String) -> [Action] {
        let hasForm: @Sendable (AppState) -> Bool = { $0.activeForm != nil }
        return [
            Action("history-older", keys: [.up], keyLabel: "↑ (prompt)", title: "Earlier prompt (from every session)", group: group,
                   inPalette: false, when: { $0.activeForm?.promptFocused == true && !$0.promptHistory.prompts.isEmpty }) { state in
                let prompts = state.promptHistory.prompts
                _ = state.activeForm?.walkHistory(prompts, older: true)
                return []
            },
            Action("history-newer", keys: [.down], keyLabel: "↓ (prompt)", title: "Later prompt, then what you typed", group: group,
                   inPalette: false, when: { $0.activeForm?.historyWalk != nil }) { state in
                let prompts = state.promptHistory.prompts
                _ = state.activeForm?.walkHistory(prompts, older: false)
                return []
            },
            Action("history-search", keys: [.ctrl("r")], keyLabel: "Ctrl-R (prompt)", title: "Search earlier prompts", group: group,
                   hint: "history", when: { $0.activeForm?.promptFocused == true },
                   disabledReason: { $0.promptHistory.prompts.isEmpty ? "no earlier prompts yet" : nil }) { state in
                var list = SelectableList(items: state.promptHistory.prompts.enumerated().map { ListItem(id: String($0.offset), title: $0.element) },
                                          title: "Earlier prompts (type to search)", filterable: true)
                _ = list.handle(.char("/"))
                state.overlay = .promptSearch(list)
                return []
            },
            Action("complete-path", keys: [.tab], keyLabel: "Tab (in a path)", title: "Complete a file path", group: group,
                   inPalette: false, when: { $0.activeForm?.completablePath != nil }) { state in
                guard let (field, text) = state.activeForm?.completablePath else { return [] }
                return [.completePath(.formField(field), text)]
            },
            Action("next-field", keys: [.tab, .down], keyLabel: "Tab/↓", title: "Next field", group: group, inPalette: false,
                   when: hasForm) { state in
                state.activeForm?.moveFocus(forward: true)
                return []
            },
            Action("previous-field", keys: [.backTab, .up], keyLabel: "Shift-Tab/↑", title: "Previous field", group: group,
                   inPalette: false, when: hasForm) { state in
                state.activeForm?.moveFocus(forward: false)
                return []
            },
            Action("choose", keys: [.enter], keyLabel: "Enter (on a choice)", title: "Pick from the list of choices", group: group,
                   when: { $0.activeForm?.focusedChoices != nil }) { state in
                guard let choices = state.activeForm?.focusedChoices else { return [] }
                var list = SelectableList(items: choices.options.enumerated().map { ListItem(id: String($0.offset), title: $0.element) },
                                          title: choices.field, filterable: choices.options.count > 6)
                list.select(index: choices.selected)
                state.overlay = .choices(field: choices.field, list: list)
                return []
            },
            Action("random-seed", keys: [.ctrl("r")], title: "Seed: random (clear it)", group: group,
                   when: { $0.activeForm != nil },
                   disabledReason: { $0.activeForm?.endpoint.field("seed") == nil ? "this endpoint has no seed" : nil }) { state in
                state.activeForm?.setText("", for: "seed")
                return []
            },
            Action("last-seed", keys: [.ctrl("l")], title: "Seed: reuse the last seed", group: group, hint: "last seed",
                   when: { $0.activeForm != nil },
                   disabledReason: { state in
                       if state.activeForm?.endpoint.field("seed") == nil { return "this endpoint has no seed" }
                       return state.lastSeed == nil ? "no task has reported a seed yet" : nil
                   }) { state in
                if let seed = state.lastSeed { state.activeForm?.setText(String(seed), for: "seed") }
                return []
            },
        ]
    }

    static let all: [Action] = [
        Action("submit", keys: [.ctrl("s")], title: "Submit (blocked while errors stand)", group: group, hint: "submit") { state in
            submit(&state)
        },
        Action("toggle-sweep", keys: [.ctrl("t")], title: "Sweep this field (list, range, @file)", group: group,
               hint: "sweep", disabledReason: { $0.form?.sweepRefusal }) { state in
            state.form?.toggleSweep()
            return []
        },
        Action("preview-json", keys: [.ctrl("p")], title: "Preview the exact JSON body", group: group, hint: "preview JSON") { state in
            guard let form = state.form else { return [] }
            state.overlay = .preview(title: "JSON body for \(form.endpoint.path)", lines: form.previewLines, offset: 0)
            return []
        },
    ] + fieldActions(group).filter { $0.id != "next-field" } + [
        // Enter on a text field goes to the next field; on the last one, and on the button, it submits.
        Action("next-or-submit", keys: [.enter], keyLabel: "Enter", title: "Next field; submits on the last one", group: group,
               inPalette: false) { state in
            if state.form?.enterSubmits == true { return submit(&state) }
            state.form?.moveFocus(forward: true)
            return []
        },
        Action("press-button", keys: [.char(" ")], keyLabel: "Space (on Submit)", title: "Press the Submit button", group: group,
               inPalette: false, when: { $0.form?.submitFocused == true }) { state in
            submit(&state)
        },
    ] + fieldActions(group).filter { $0.id == "next-field" } + [
        Action("back", keys: [.escape], title: "Back to the endpoints", group: group, hint: "back") { state in
            state.screen = .picker
            return []
        },
    ]

    static func submit(_ state: inout AppState) -> [AppEffect] {
        guard var form = state.form else { return [] }
        if !form.pendingFileChecks.isEmpty, !form.issues.hasErrors {
            // Submitted as soon as the files are read (see `.fileInspected`), unless they have a
            // problem; keys typed meanwhile wait for that.
            state.waitingFor = .fileChecks
            state.toast("Checking the files; the task is submitted when they are read", .info)
            return []
        }
        if form.sweep.isActive { return submitSweep(&state) }
        let outcome = form.attemptSubmit()
        state.form = form
        switch outcome {
        case .failure(let blocked):
            state.toast(blocked.message, .warning)
            return []
        case .success(let parameters):
            let pending = PendingSubmit(effects: [.submit(form.endpoint, parameters, origin: TaskOrigin(parentID: form.parentTaskID))],
                                        screen: .tasks, toast: "Submitting \(form.endpoint.id)…")
            return SpendGate.submit(&state, pending, estimate: SpendGate.estimate(state, form.endpoint, parameters, images: form.images))
        }
    }
}

extension FormActions {
    /// Ctrl-S on a form with swept fields: the whole batch, through the budget (the forecast's
    /// credits as one sum) and after a confirmation when it has more than `confirm_tasks_above` tasks.
    static func submitSweep(_ state: inout AppState) -> [AppEffect] {
        guard var form = state.form else { return [] }
        let outcome = form.attemptBatch()
        state.form = form
        switch outcome {
        case .failure(let blocked):
            state.toast(blocked.message, .warning)
            return []
        case .success(let batch):
            let forecast = state.sweepForecast
            return confirmOrSend(batch, forecast: forecast?.text, estimate: forecast?.credits?.credits, &state)
        }
    }

    /// Sends a batch through `SpendGate` with `estimate` (credits, the whole batch), first asking
    /// when it has more than `confirm_tasks_above` tasks. Over the day's budget it is refused at
    /// once (a question would be pointless); a batch that also needs confirm_above's answer asks
    /// once, in one dialog that says both, so nothing is sent without both answers.
    static func confirmOrSend(_ batch: BatchSubmission, forecast: String?, estimate: Double?, _ state: inout AppState) -> [AppEffect] {
        let what = BudgetGuard.batch(of: batch.taskCount)
        guard batch.taskCount > state.confirmTasksAbove else {
            return SpendGate.submit(&state, pending(batch), estimate: estimate, what: what)
        }
        var message = "\(batch.title)\n\(forecast ?? "\(batch.taskCount) tasks")\n(more than \(state.confirmTasksAbove) tasks: "
            + "confirm_tasks_above in config.toml)"
        switch SpendGate.decision(state, estimate: estimate, what: what) {
        case .refuse: return SpendGate.submit(&state, pending(batch), estimate: estimate, what: what)
        case .ask(let question): message += "\n" + SpendGate.sentence(question)
        case .allow: break
        }
        state.overlay = .confirmBatch(batch, ModalDialog(title: "Submit \(batch.taskCount) tasks?", message: message,
                                                         buttons: ["Cancel", "Submit \(batch.taskCount) tasks"], kind: .warning))
        return []
    }

    /// Sends a batch the budget and the user agreed to.
    static func sendBatch(_ batch: BatchSubmission, _ state: inout AppState) -> [AppEffect] {
        SpendGate.run(&state, pending(batch))
    }

    static func pending(_ batch: BatchSubmission) -> PendingSubmit {
        PendingSubmit(effects: [.submitBatch(batch)], screen: .tasks, toast: "Submitting \(batch.taskCount) tasks: \(batch.title)…")
    }
}

extension AppState {
    /// What the open form's sweep will ask for (nil: no sweep, or not a valid one yet).
    var sweepForecast: BatchForecast? {
        guard let form, let plan = form.sweep.plan else { return nil }
        return BatchForecast(plan: plan, estimator: costEstimator, durations: learnedDurations, maxActive: maxActive,
                             images: form.images)
    }

    /// The form the field keys act on: the endpoint's form, or the composer's training settings
    /// while they have focus.
    var activeForm: FormState? {
        get {
            switch screen {
            case .form: return form
            case .composer where composer.focus == .fields && composer.caption == nil: return composer.form
            default: return nil
            }
        }
        set {
            guard let newValue else { return }
            switch screen {
            case .form: form = newValue
            case .composer: composer.form = newValue
            default: break
            }
        }
    }
}
