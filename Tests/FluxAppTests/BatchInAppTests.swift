import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import Testing
@testable import FluxApp

/// Issue 16 in the app: a form field swept with Ctrl-T, the forecast in the footer, the
/// confirmation above `confirm_tasks_above`, Ctrl-S sending one batch, the task list grouped by
/// batch with `r`/`R` on a header, and one notification per batch.
@Suite struct BatchInAppTests {
    typealias H = AppHarness

    /// flux-dev's form with a prompt, and `seed` swept with `spec`.
    static func sweptForm(_ spec: String, field: String = "seed", width: Int = 120) -> AppState {
        var state = H.formState("flux-dev", width: width)
        H.fill("prompt", "a lighthouse", &state)
        H.focus(field, &state)
        H.send(&state, .ctrl("t"))
        H.send(&state, .ctrl("u"))  // the field's value is the first one to edit; start afresh
        H.type(spec, &state)
        return state
    }

    static func fieldRow(_ field: String, _ state: AppState) -> String? {
        H.rows(state).first { $0.contains(field + FormSweep.labelMark) }
    }

    // MARK: sweep mode

    @Test func ctrlTTurnsTheFocusedFieldIntoAListAndBack() throws {
        var state = Self.sweptForm("1..3")
        #expect(state.form?.sweep.fields == ["seed"])
        #expect(state.form?.sweep.plan?.taskCount == 3)
        #expect(state.form?.parameters().0["seed"] == nil, "a swept field is not a single value")
        let screen = H.screen(state)
        #expect(Self.fieldRow("seed", state) != nil, "\(screen)")
        #expect(screen.contains("⇶ 3 values"), "\(screen)")
        #expect(screen.contains("⇶ 3 tasks"), "\(screen)")
        #expect(screen.contains("Ctrl-S submits the batch"), "\(screen)")

        // Ctrl-T again: one value, the field as it was (a range has no single value to keep).
        H.send(&state, .ctrl("t"))
        #expect(state.form?.sweep.isActive == false)
        #expect(H.fieldText("seed", state) == "")
        #expect(Self.fieldRow("seed", state) == nil)
        #expect(H.screen(state).contains("✓ ready to submit"))

        // A list's first plain value stays.
        H.send(&state, .ctrl("t"))
        H.send(&state, .ctrl("u"))
        H.type("7,8", &state)
        H.send(&state, .ctrl("t"))
        #expect(H.fieldText("seed", state) == "7")
    }

    @Test func aChoiceFieldBecomesATextFieldWhileSweptAndGetsItsListBack() throws {
        var state = H.formState("flux-dev")
        H.fill("prompt", "a lighthouse", &state)
        H.focus("output_format", &state)
        H.send(&state, .ctrl("t"))
        H.type("jpeg,png", &state)
        #expect(state.form?.sweep.plan?.taskCount == 2)
        H.send(&state, .ctrl("t"))
        guard case .choice? = state.form?.form.value(of: "output_format") else {
            Issue.record("output_format is not a choice again")
            return
        }
    }

    @Test func fieldsThatCannotBeSweptAreRefusedWithAHint() throws {
        var state = H.formState("flux-dev")
        H.focus("webhook_url", &state)
        H.send(&state, .ctrl("t"))
        #expect(state.form?.sweep.isActive == false)
        let toast = try #require(H.toast(state))
        #expect(toast.contains("webhook_url cannot be swept"), "\(toast)")
        H.focus("webhook_secret", &state)
        H.send(&state, .ctrl("t"))
        #expect(H.toast(state)?.contains("webhook_secret cannot be swept") == true)
        #expect(state.form?.sweep.isActive == false)
    }

    @Test(arguments: [
        ("seed", "5..1", "is reversed"),
        ("seed", "1..20000", "more than the 10000 tasks"),
        ("seed", "1,,2", "has an empty value"),
        ("seed", "1..3:0", "must be a number above 0"),
        ("prompt", "1..3", "a range needs a number field"),
        ("seed", "@/nonexistent/seeds.txt", "does not exist"),
    ])
    func badSpecsShowSweepAxisMessagesOnTheFieldAndSendNothing(_ field: String, _ spec: String, _ message: String) throws {
        var state = H.formState("flux-dev")
        if field != "prompt" { H.fill("prompt", "a lighthouse", &state) }
        H.focus(field, &state)
        H.send(&state, .ctrl("t"))
        H.type(spec, &state)
        let screen = H.screen(state)
        #expect(screen.contains(message), "\(spec):\n\(screen)")
        #expect(state.form?.sweep.plan == nil)
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        #expect(state.screen == .form)
        #expect(H.toast(state)?.contains(message) == true, "\(H.toast(state) ?? "no toast")")
    }

    @Test func anEmptyPromptsFileIsRefusedByName() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("empty-prompts-\(UUID().uuidString).txt")
        try "\n\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var state = Self.sweptForm("@" + file.path, field: "prompt")
        #expect(H.screen(state).contains("has no values"))
        #expect(H.send(&state, .ctrl("s")).isEmpty)
    }

    @Test func twoAxesTooLargeTogetherAreRefusedOnTheStatusLine() throws {
        var state = Self.sweptForm("1..200")
        H.focus("guidance", &state)
        H.send(&state, .ctrl("t"))
        H.type("1.5..5:0.05", &state)
        let screen = H.screen(state)
        #expect(screen.contains("71 guidance x 200 seed is more than the 10000 tasks"), "\(screen)")
        #expect(H.send(&state, .ctrl("s")).isEmpty)
    }

    @Test func promptsFromAFileAreReadOffTheLoop() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prompts-\(UUID().uuidString).txt")
        try "a red fox\n\na blue whale\na green frog\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var state = H.formState("flux-dev")
        H.focus("prompt", &state)
        H.send(&state, .ctrl("t"))
        // The update asks for the read; it never reads the file itself.
        let effects = AppUpdate.update(&state, .key(.char("@"))) + AppUpdate.fileEffects(&state)
        #expect(effects.allSatisfy { if case .readSweepFile = $0 { return true } else { return false } })
        H.type(file.path, &state)
        #expect(state.form?.sweep.plan?.taskCount == 3)
        #expect(H.screen(state).contains("⇶ 3 tasks"))
    }

    @Test func theJSONPreviewOfASweepShowsItsFirstTask() throws {
        var state = Self.sweptForm("7..9")
        H.send(&state, .ctrl("p"))
        guard case .preview(_, let lines, _)? = state.overlay else {
            Issue.record("no preview: \(String(describing: state.overlay))")
            return
        }
        let body = lines.joined(separator: "\n")
        #expect(body.range(of: #""seed"\s*:\s*7\b"#, options: .regularExpression) != nil, "\(body)")
    }

    // MARK: forecast

    @Test func theForecastCountsTasksCreditsAndWavesAtTheActiveLimit() throws {
        let endpoint = H.endpoint("flux-dev")
        var state = Self.sweptForm("1..45")
        state.maxActive = 20
        // Learned durations: three tasks of flux-dev that took half the documented time.
        let run = (endpoint.typicalSeconds / 2).rounded()
        let done = (0..<3).map { i in
            H.task("d\(i)", prompt: "done \(i)", phase: .done, createdSecondsAgo: Double(100 + i), runSeconds: run, seed: i)
        }
        _ = AppUpdate.update(&state, .tasksLoaded(done))
        let forecast = try #require(state.sweepForecast)
        #expect(forecast.taskCount == 45)
        #expect(forecast.waves == 3)
        #expect(forecast.typicalSeconds == run)
        let base = try #require(state.form?.sweep.plan?.base)
        let each = try #require(CostEstimator().estimate(endpoint, base))
        #expect(abs((forecast.credits?.credits ?? 0) - each.credits * 45) < 1e-9)
        #expect(forecast.credits?.text.contains("(estimate)") == true)
        let screen = H.screen(state)
        #expect(screen.contains("45 tasks · \(forecast.credits!.text) · ~\(TaskFormat.duration(run * 3)) (3 waves of 20)"), "\(screen)")

        // A charge seen teaches the estimator: the figure is no longer an estimate.
        var charged = H.task("c1", prompt: "charged", phase: .done, createdSecondsAgo: 10, seed: 9)
        charged.cost = 2
        _ = AppUpdate.update(&state, .taskUpdated(charged))
        #expect(state.sweepForecast?.credits?.text.contains("(estimate)") == false)
        var learned = CostEstimator()
        learned.record(endpoint, charged.parameters, cost: 2)
        let perTask = try #require(learned.estimate(endpoint, base)).credits
        #expect(abs((state.sweepForecast?.credits?.credits ?? 0) - perTask * 45) < 1e-9)
    }

    @Test func aSizeSweepIsPricedTaskByTask() throws {
        let endpoint = H.endpoint("flux-dev")
        var state = Self.sweptForm("512,1024", field: "width")
        let plan = try #require(state.form?.sweep.plan)
        let expected = plan.parameters().compactMap { CostEstimator().estimate(endpoint, $0)?.credits }.reduce(0, +)
        #expect(abs((state.sweepForecast?.credits?.credits ?? 0) - expected) < 1e-9)
        state.maxActive = 1
        #expect(state.sweepForecast?.waves == 2)
    }

    // MARK: submitting

    @Test func ctrlSSendsOneBatchEffectWithEveryRequest() throws {
        var state = Self.sweptForm("1..3")
        let effects = H.send(&state, .ctrl("s"))
        #expect(effects.count == 1)
        guard case .submitBatch(let batch)? = effects.first else {
            Issue.record("no batch: \(effects)")
            return
        }
        #expect(batch.taskCount == 3)
        #expect(batch.title == "flux-dev: 3 seed")
        #expect(state.screen == .tasks)
        let (entry, requests) = try BatchBuilder.build(batch, id: "b-test").get()
        #expect(entry.id == "b-test" && entry.taskCount == 3 && entry.variedFields == ["seed"] && entry.endpoint == "flux-dev")
        #expect(requests.map { $0.parameters["seed"] } == [.integer(1), .integer(2), .integer(3)])
        #expect(requests.allSatisfy { $0.parameters["prompt"] == .text("a lighthouse") })
    }

    @Test func aBatchWithOneBadTaskIsRefusedWhole() throws {
        // Sizes are checked per task off the loop: 2048 is above flux-dev's limit.
        let endpoint = H.endpoint("flux-dev")
        let plan = try SweepPlan(endpoint: endpoint, base: TaskParameters(["prompt": .text("x")]),
                                 axes: [SweepAxis(field: "width", values: [.integer(512), .integer(4096)])])
        let batch = BatchSubmission(sweep: plan, specs: [SweepSpec(field: "width", spec: "512,4096")])
        switch BatchBuilder.build(batch) {
        case .success: Issue.record("a batch with an invalid task was built")
        case .failure(let refusal): #expect(refusal.message.contains("width"), "\(refusal)")
        }
        var state = H.tasksState()
        _ = AppUpdate.update(&state, .batchRefused(BatchRefusal(message: "task 2 of 2 (width 4096): too wide")))
        #expect(H.toast(state)?.contains("nothing sent") == true)
    }

    @Test func aBatchAboveTheThresholdAsksFirst() throws {
        var state = Self.sweptForm("1..25")
        #expect(state.confirmTasksAbove == 20)
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        guard case .confirmBatch(let batch, _)? = state.overlay else {
            Issue.record("no confirmation: \(String(describing: state.overlay))")
            return
        }
        #expect(batch.taskCount == 25)
        let screen = H.screen(state)
        #expect(screen.contains("Submit 25 tasks?") && screen.contains("confirm_tasks_above"), "\(screen)")
        // Esc (or Enter on the default, Cancel) sends nothing.
        #expect(H.send(&state, .escape).isEmpty)
        #expect(state.overlay == nil && state.screen == .form)
        H.send(&state, .ctrl("s"))
        #expect(H.send(&state, .enter).isEmpty)
        H.send(&state, .ctrl("s"))
        let effects = H.send(&state, .char("s"))
        guard case .submitBatch(let sent)? = effects.first, effects.count == 1 else {
            Issue.record("not sent: \(effects)")
            return
        }
        #expect(sent.taskCount == 25)
        #expect(state.screen == .tasks)

        // Up to the threshold: no question.
        var small = Self.sweptForm("1..25")
        small.confirmTasksAbove = 25
        #expect(H.send(&small, .ctrl("s")).count == 1)
    }

    @Test func theThresholdIsReadFromTheConfig() throws {
        #expect(try AppConfig.parse("confirm_tasks_above = 5", file: "c.toml").confirmTasksAbove == 5)
        #expect(try AppConfig.parse("", file: "c.toml").confirmTasksAbove == nil)
        #expect(throws: AppConfig.LoadError.self) { try AppConfig.parse("confirm_tasks_above = -1", file: "c.toml") }
    }

    // MARK: grouping

    static let batch = BatchEntry(id: "batch-1", endpoint: "flux-dev", title: "flux-dev: 3 seed", variedFields: ["seed"], taskCount: 3)

    /// Three tasks of a batch (seeds 1..3, the newest on the list) and the sample tasks.
    static func batchTasks(phases: [TaskPhase] = [.done, .done, .running]) -> [TaskEntry] {
        phases.enumerated().map { i, phase in
            var task = H.task("b\(i)", prompt: "a lighthouse", phase: phase, createdSecondsAgo: 5 - Double(i), seed: i + 1,
                              parameters: ["seed": .integer(i + 1)])
            task.origin = TaskOrigin(batchID: batch.id, batchIndex: i)
            return task
        }
    }

    static func groupedState(phases: [TaskPhase] = [.done, .done, .running]) -> AppState {
        var state = H.state()
        _ = AppUpdate.update(&state, .batchesLoaded([batch]))
        _ = AppUpdate.update(&state, .tasksLoaded(H.sampleTasks + batchTasks(phases: phases)))
        state.screen = .tasks
        H.send(&state, .char("b"))
        H.send(&state, .home)
        return state
    }

    @Test func groupingShowsAHeaderPerBatchWithDoneOverTotalAndItsTasksUnderIt() throws {
        var state = Self.groupedState()
        #expect(state.tasks.groupByBatch)
        let rows = H.rows(state)
        let header = try #require(rows.firstIndex { $0.contains("flux-dev: 3 seed") }, "\(rows.joined(separator: "\n"))")
        #expect(rows[header].contains("2/3 ready · 1 active"), "\(rows[header])")
        #expect(rows[header].contains("█"), "a progress bar: \(rows[header])")
        for (offset, seed) in [1, 2, 3].enumerated() {
            #expect(rows[header + 1 + offset].contains("seed \(seed) · a lighthouse"), "\(rows[header + 1 + offset])")
        }
        #expect(rows.contains { $0.contains("a red fox in fresh snow") }, "tasks of no batch stay listed")
        #expect(H.screen(state).contains("by batch"))
        #expect(state.tasks.selectedBatch?.id == Self.batch.id, "the header is the first row")

        // The last task ends: 3/3.
        var last = Self.batchTasks()[2]
        last.phase = .done
        _ = AppUpdate.update(&state, .taskUpdated(last))
        #expect(H.rows(state).contains { $0.contains("flux-dev: 3 seed · 3/3 ready") })

        // b again: a flat list.
        H.send(&state, .char("b"))
        #expect(!H.screen(state).contains("▸ flux-dev: 3 seed"))
        #expect(state.tasks.count == 8)
    }

    @Test func theFilterKeepsHeadersOfBatchesWithAMatch() throws {
        var state = Self.groupedState()
        state.tasks.setFilter("lighthouse")
        let rows = H.rows(state)
        #expect(rows.contains { $0.contains("flux-dev: 3 seed") })
        #expect(!rows.contains { $0.contains("a red fox") })
    }

    @Test func rOnAHeaderRerunsTheWholeBatchWithTheSameSeedsAndRWithNewOnes() throws {
        var state = Self.groupedState(phases: [.done, .failed, .done])
        let effects = H.send(&state, .char("r"))
        guard case .submitBatch(let batch)? = effects.first, effects.count == 1, case .tasks(let items) = batch.source else {
            Issue.record("no batch rerun: \(effects)")
            return
        }
        #expect(items.map { $0.parameters["seed"] } == [.integer(1), .integer(2), .integer(3)])
        #expect(batch.title == "flux-dev: 3 seed (rerun)")
        #expect(batch.variedFields == ["seed"])
        let fresh = H.send(&state, .char("R"))
        guard case .submitBatch(let again)? = fresh.first, case .tasks(let newItems) = again.source else {
            Issue.record("no batch rerun with new seeds: \(fresh)")
            return
        }
        #expect(newItems.count == 3 && newItems.allSatisfy { $0.parameters["seed"] == nil })

        // On a task row, r still reruns that one task.
        H.send(&state, .down)
        guard case .submit(_, let parameters, _)? = H.send(&state, .char("r")).first else {
            Issue.record("r on a task did not rerun it")
            return
        }
        #expect(parameters["seed"] == .integer(1))
    }

    // MARK: notifications

    @Test func aBatchIsAnnouncedOnceWhenItsLastTaskEnds() throws {
        var state = Self.groupedState(phases: [.running, .running, .running])
        state.notifications = NotificationSettings(style: .osc9, after: 0)
        state.now = H.epoch.addingTimeInterval(60)
        var notes: [TerminalNotification] = []
        for (i, task) in Self.batchTasks(phases: [.running, .running, .running]).enumerated() {
            var ended = task
            ended.phase = i == 1 ? .failed : .done
            ended.finishedAt = H.epoch.addingTimeInterval(30)
            for case .notify(let note, _) in AppUpdate.update(&state, .taskUpdated(ended)) { notes.append(note) }
            #expect(notes.count == (i == 2 ? 1 : 0), "after task \(i + 1): \(notes)")
        }
        let note = try #require(notes.first)
        #expect(note.title.contains("batch") && note.title.contains("2/3"), "\(note)")
        #expect(note.body.contains("flux-dev: 3 seed · 2/3 ready · 1 failed"), "\(note)")
        #expect(H.toast(state)?.contains("Batch done: flux-dev: 3 seed") == true)
    }
}
