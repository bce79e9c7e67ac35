import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import Testing
@testable import FluxApp

/// The task list: rows, status cells, the detail pane and the per-task keys.
@Suite struct TaskListScreenTests {
    typealias H = AppHarness

    static func row(_ needle: String, _ state: AppState) -> String? { H.rows(state).first { $0.contains(needle) && $0.contains("flux-dev") } }

    // MARK: formatting

    @Test(arguments: [(0.0, "0s"), (5, "5s"), (59.9, "59s"), (60, "1m00s"), (65, "1m05s"), (3599, "59m59s"),
                      (3600, "1h00m"), (3700, "1h01m"), (90_061, "25h01m")])
    func durations(_ seconds: Double, _ text: String) {
        #expect(TaskFormat.duration(seconds) == text)
    }

    @Test func elapsedRunsToNowWhileActiveAndToTheFinishOtherwise() {
        let tasks = Dictionary(uniqueKeysWithValues: H.sampleTasks.map { ($0.id, $0) })
        #expect(TaskFormat.elapsed(tasks["t-done"]!, now: H.epoch) == "1m05s")
        #expect(TaskFormat.elapsed(tasks["t-failed"]!, now: H.epoch) == "5s")
        #expect(TaskFormat.elapsed(tasks["t-pending"]!, now: H.epoch) == "1h01m")
        #expect(TaskFormat.elapsed(tasks["t-progress"]!, now: H.epoch) == "1m00s")
        #expect(TaskFormat.elapsed(tasks["t-progress"]!, now: H.epoch.addingTimeInterval(5)) == "1m05s")
        // A clock that went backwards never gives a negative time.
        #expect(TaskFormat.elapsed(tasks["t-progress"]!, now: H.epoch.addingTimeInterval(-3600)) == "0s")
    }

    @Test func statusCells() {
        let tasks = Dictionary(uniqueKeysWithValues: H.sampleTasks.map { ($0.id, $0) })
        #expect(TaskFormat.statusCell(tasks["t-done"]!, width: 15) == ("✓ Ready", .success))
        #expect(TaskFormat.statusCell(tasks["t-failed"]!, width: 15) == ("✗ Error", .error))
        #expect(TaskFormat.statusCell(tasks["t-download"]!, width: 15) == ("✗ Download", .error))
        #expect(TaskFormat.statusCell(tasks["t-pending"]!, width: 15) == ("● Pending", .info))
        let progress = TaskFormat.statusCell(tasks["t-progress"]!, width: 15)
        #expect(progress.text.hasSuffix(" 45%"))
        #expect(progress.text.hasPrefix("████"))
        #expect(progress.text.count == 15)
        #expect(progress.role == .progress)
        var queued = tasks["t-done"]!
        queued.statusText = nil
        queued.phase = .queued
        #expect(TaskFormat.statusCell(queued, width: 15).text == "… Queued")
        queued.phase = .submitting
        #expect(TaskFormat.statusCell(queued, width: 15).text == "↑ Submitting")
        queued.phase = .uncertain
        #expect(TaskFormat.statusCell(queued, width: 15).text == "? Uncertain")
    }

    // MARK: the table

    @Test func loadedTasksAreListedNewestFirstWithStatusSeedAndElapsed() throws {
        let state = H.tasksState()
        #expect(state.tasks.all.map(\.id) == ["t-progress", "t-failed", "t-done", "t-download", "t-pending"])
        let rows = H.rows(state)
        let order = ["a lighthouse in a storm", "a broken teapot", "a red fox in fresh snow", "a castle made of glass",
                     "a quiet lake at dawn"].map { prompt in rows.firstIndex { $0.contains(prompt) } ?? -1 }
        #expect(!order.contains(-1))
        #expect(order == order.sorted())
        #expect(rows.contains { $0.contains("STATUS") && $0.contains("ENDPOINT") && $0.contains("PROMPT") && $0.contains("SEED") && $0.contains("ELAPSED") })

        let progress = try #require(Self.row("a lighthouse in a storm", state))
        #expect(progress.contains("45%"))
        #expect(progress.contains("█"))
        #expect(progress.contains("1m00s"))
        #expect(progress.contains("—"))  // no seed yet
        let failed = try #require(Self.row("a broken teapot", state))
        #expect(failed.contains("✗ Error"))
        #expect(failed.contains("2222"))
        #expect(failed.contains("5s"))
        let done = try #require(Self.row("a red fox in fresh snow", state))
        #expect(done.contains("✓ Ready"))
        #expect(done.contains("1111"))
        #expect(done.contains("1m05s"))
        let download = try #require(Self.row("a castle made of glass", state))
        #expect(download.contains("✗ Download"))
        let pending = try #require(Self.row("a quiet lake at dawn", state))
        #expect(pending.contains("● Pending"))
        #expect(pending.contains("3333"))
        #expect(pending.contains("1h01m"))
        #expect(H.screen(state).contains("Tasks (5, 2 active)"))
    }

    @Test func statusCellsAreColouredByOutcome() throws {
        var state = H.tasksState()
        H.send(&state, .end)  // the selection paints its row; move it away from the rows checked
        let buffer = H.buffer(state)
        let ready = try #require(buffer.find("✓ Ready"))
        #expect(buffer[ready.x, ready.y].style == Theme.fallback.style(.success))
        let failed = try #require(buffer.find("✗ Error"))
        #expect(buffer[failed.x, failed.y].style == Theme.fallback.style(.error))
    }

    @Test func theSelectedRowIsHighlighted() throws {
        let state = H.tasksState()
        let buffer = H.buffer(state)
        let at = try #require(buffer.find("a lighthouse in a storm"))
        #expect(buffer[at.x, at.y].style == Theme.fallback.style(.selection))
        let other = try #require(buffer.find("a broken teapot"))
        #expect(buffer[other.x, other.y].style != Theme.fallback.style(.selection))
    }

    @Test func theOutputColumnAppearsOnlyOnWideScreens() throws {
        let wide = H.tasksState(width: 120)
        #expect(H.screen(wide).contains("OUTPUT"))
        #expect(try #require(Self.row("a red fox in fresh snow", wide)).contains("red-fox.png"))
        let narrow = H.tasksState(width: 100)
        #expect(!H.screen(narrow).contains("OUTPUT"))
        #expect(!H.screen(narrow).contains("red-fox.png"))
        #expect(H.screen(narrow).contains("a red fox in fresh snow"))
        // The table's own width decides: 110 columns and more.
        #expect(TaskListState.columns(width: 110).showOutput)
        #expect(!TaskListState.columns(width: 109).showOutput)
        for width in [78, 100, 109, 110, 118, 198] {
            let columns = TaskListState.columns(width: width)
            #expect(columns.widths.reduce(0, +) + columns.widths.count - 1 <= width, "columns overflow at \(width)")
        }
    }

    @Test func anEmptyListSaysHowToStart() {
        var state = H.state()
        _ = AppUpdate.update(&state, .tasksLoaded([]))
        state.screen = .tasks
        #expect(H.screen(state).contains("No tasks yet. Press 1, pick an endpoint, fill the form and press Ctrl-S."))
        // Keys that need a task do nothing.
        #expect(H.send(&state, [.char("r"), .char("e"), .char("x"), .char("y"), .char("f"), .char("d")]).isEmpty)
        #expect(state.overlay == nil)
        #expect(state.screen == .tasks)
    }

    // MARK: filter

    @Test func slashFiltersByPrompt() {
        var state = H.tasksState()
        H.send(&state, .char("/"))
        #expect(state.tasks.isFiltering)
        H.type("teapot", &state)
        #expect(state.tasks.count == 1)
        #expect(state.tasks.selected?.id == "t-failed")
        let screen = H.screen(state)
        #expect(screen.contains("a broken teapot"))
        #expect(!screen.contains("a red fox in fresh snow"))
        #expect(screen.contains("Tasks (5, 1 shown, 2 active)"))
        #expect(screen.contains("/ teapot"))
        // Enter keeps the filter and leaves typing; keys work on the filtered rows again.
        H.send(&state, .enter)
        #expect(!state.tasks.isFiltering)
        #expect(H.send(&state, .char("r")).count == 1)
        // Esc clears it, keeping the selected task.
        H.send(&state, .escape)
        #expect(state.tasks.count == 5)
        #expect(state.tasks.selected?.id == "t-failed")
        #expect(state.screen == .tasks)
    }

    @Test func theFilterMatchesStatusAndSaysWhenNothingMatches() {
        var state = H.tasksState()
        H.send(&state, [.char("/")] + H.keys("pending"))
        #expect(Set((0..<state.tasks.count).compactMap { state.tasks.task(atRow: $0)?.id }) == ["t-progress", "t-pending"])
        H.send(&state, .ctrl("u"))
        H.type("nothing like this", &state)
        #expect(state.tasks.count == 0)
        #expect(H.screen(state).contains("No task matches 'nothing like this'."))
        // Typed keys stay in the filter: no rerun, no quit.
        #expect(H.type("rqx12", &state).isEmpty)
        #expect(state.screen == .tasks)
        #expect(!state.quitting)
    }

    // MARK: detail pane

    @Test func enterTogglesTheDetailPaneWithEveryParameterTheErrorAndTheOutput() throws {
        var state = H.tasksState()
        #expect(state.tasks.showDetail)
        H.send(&state, .char("j"))  // t-failed
        var screen = H.screen(state)
        #expect(screen.contains("Details"))
        #expect(screen.contains("flux-dev · Error · 5s · seed 2222"))
        #expect(screen.contains("✗ the server reported an error: teapot exploded"))
        #expect(screen.contains("id remote-t-failed"))
        for line in ["  height = 512", "  prompt = a broken teapot", "  width = 512"] { #expect(screen.contains(line)) }
        #expect(screen.contains("created 2025-12-31T23:40:00Z · submitted 2025-12-31T23:40:01Z · finished 2025-12-31T23:40:06Z"))
        // The output path, in full.
        H.send(&state, .char("j"))
        #expect(state.tasks.selected?.id == "t-done")
        #expect(H.screen(state).contains("→ /tmp/flux-out/2026-01-01/red-fox.png"))
        // Enter hides it, Enter shows it again.
        H.send(&state, .enter)
        #expect(!state.tasks.showDetail)
        screen = H.screen(state)
        #expect(!screen.contains("Details"))
        #expect(!screen.contains("→ /tmp/flux-out"))
        H.send(&state, .enter)
        #expect(H.screen(state).contains("→ /tmp/flux-out/2026-01-01/red-fox.png"))
    }

    @Test
    func theDetailPaneShowsEveryParameterOfAFullyFilledTask() {
        // A task with every usual flux-dev field set, finished with an output.
        let task = H.task("t-full", prompt: "every field set", phase: .done, createdSecondsAgo: 60, seed: 9,
                          statusText: "Ready", outputs: ["/tmp/flux-out/full.jpeg"],
                          parameters: ["steps": .integer(30), "guidance": .number(3.5), "seed": .integer(9),
                                       "output_format": .text("jpeg"), "prompt_upsampling": .boolean(true),
                                       "safety_tolerance": .integer(2)])
        for (width, height) in [(120, 40), (80, 24)] {
            let state = H.tasksState(width: width, height: height, tasks: [task])
            let screen = H.screen(state)
            #expect(screen.contains("→ /tmp/flux-out/full.jpeg"))
            for name in task.parameters.values.keys.sorted() {
                #expect(screen.contains("  \(name) = "), "\(width)x\(height): parameter \(name) not shown")
            }
        }
    }

    @Test func theDetailPaneShowsProgressOfARunningTask() {
        let state = H.tasksState()
        #expect(H.screen(state).contains("flux-dev · Pending 45% · 1m00s"))
        #expect(H.screen(state).contains("id remote-t-progress"))
    }

    @Test func theDetailPaneNeverShowsASecret() {
        // The engine reports tasks with the parameters as submitted, webhook secret included.
        let task = H.task("t-hook", prompt: "with a webhook", phase: .running, createdSecondsAgo: 10,
                          parameters: ["webhook_url": .text("https://example.com/hook"),
                                       "webhook_secret": .text("hunter2-very-secret")])
        var state = H.tasksState(tasks: [])
        _ = AppUpdate.update(&state, .taskUpdated(task))
        #expect(state.tasks.selected?.id == "t-hook")
        let screen = H.screen(state)
        #expect(screen.contains("webhook_url = https://example.com/hook"))
        #expect(screen.contains("webhook_secret = "))
        #expect(!screen.contains("hunter2"))
    }

    // MARK: per-task keys

    @Test func rRerunsWithTheSameSeedAndShiftRWithANewOne() throws {
        var state = H.tasksState()
        H.send(&state, [.char("j"), .char("j")])  // t-done, seed 1111 reported by the server
        let task = try #require(state.tasks.selected)
        #expect(task.parameters["seed"] == nil)
        var same = task.parameters
        same["seed"] = .integer(1111)
        let parent = TaskOrigin(parentID: task.id)
        #expect(H.send(&state, .char("r")) == [.submit(H.endpoint("flux-dev"), same, origin: parent)])
        #expect(H.toast(state) == "Rerunning with seed 1111")
        #expect(H.send(&state, .char("R")) == [.submit(H.endpoint("flux-dev"), task.parameters, origin: parent)])
        #expect(H.toast(state) == "Rerunning with a new seed")
        #expect(state.screen == .tasks)
    }

    @Test func shiftRDropsASeedTheUserHadSet() {
        let task = H.task("t-seeded", prompt: "seeded", phase: .done, createdSecondsAgo: 10, seed: 77,
                          parameters: ["seed": .integer(77)])
        var state = H.tasksState(tasks: [task])
        guard case .submit(_, let parameters, _)? = H.send(&state, .char("R")).first else {
            Issue.record("no submit")
            return
        }
        #expect(parameters["seed"] == nil)
        #expect(parameters["prompt"] == .text("seeded"))
        #expect(H.send(&state, .char("r")).first == .submit(H.endpoint("flux-dev"), task.parameters, origin: TaskOrigin(parentID: task.id)))
    }

    @Test func eOpensTheFormPrefilledWithTheTasksParameters() throws {
        let task = H.task("t-edit", prompt: "edit me", phase: .done, createdSecondsAgo: 10, seed: 31337,
                          parameters: ["steps": .integer(20), "guidance": .number(3.5), "output_format": .text("png"),
                                       "image_prompt": .file("/tmp/some/input.png")])
        var state = H.tasksState(tasks: [task])
        #expect(H.send(&state, .char("e")).isEmpty)
        #expect(state.screen == .form)
        let form = try #require(state.form)
        #expect(form.endpoint.id == "flux-dev")
        #expect(H.fieldText("prompt", state) == "edit me")
        #expect(H.fieldText("width", state) == "512")
        #expect(H.fieldText("height", state) == "512")
        #expect(H.fieldText("steps", state) == "20")
        #expect(H.fieldText("guidance", state) == "3.5")
        #expect(H.fieldText("seed", state) == "31337")
        #expect(H.fieldText("image_prompt", state) == "/tmp/some/input.png")
        #expect(form.form.value(of: "output_format") == .choice(2, "png"))
        let screen = H.screen(state)
        #expect(screen.contains("edit me"))
        #expect(screen.contains("‹ png ›"))
        // Submitting unchanged sends the same parameters (plus the seed it ran with).
        var expected = task.parameters
        expected["seed"] = .integer(31337)
        H.send(&state, .ctrl("u"))  // clear the prompt (focused first) and type it again
        H.type("edit me", &state)
        H.focus("image_prompt", &state)
        H.send(&state, .ctrl("u"))  // the input file does not exist
        expected["image_prompt"] = nil
        #expect(H.send(&state, .ctrl("s")) == [.submit(H.endpoint("flux-dev"), expected, origin: TaskOrigin(parentID: "t-edit"))])
    }

    @Test func xRemovesTheTaskFromTheList() {
        var state = H.tasksState()
        H.send(&state, .char("j"))  // t-failed
        let effects = H.send(&state, .char("x"))
        #expect(effects == [.removeTask(id: "t-failed")])
        #expect(state.tasks.task(id: "t-failed") == nil)
        #expect(state.tasks.all.count == 4)
        #expect(!H.screen(state).contains("a broken teapot"))
        #expect(H.toast(state) == "Removed from the list; files kept")
        // The selection moves to the row that took its place.
        #expect(state.tasks.selected?.id == "t-done")
        // Delete does the same.
        #expect(H.send(&state, .delete) == [.removeTask(id: "t-done")])
        #expect(!H.screen(state).contains("a red fox in fresh snow"))
        #expect(H.screen(state).contains("2 active / 3 tasks"))
    }

    @Test func dRetriesTheDownloadOfAFailedTaskWithARemoteID() {
        var state = H.tasksState()
        H.send(&state, [.char("j"), .char("j"), .char("j")])
        #expect(state.tasks.selected?.id == "t-download")
        #expect(H.send(&state, .char("d")) == [.retryDownload(id: "t-download")])
        #expect(H.toast(state) == "Downloading again…")
        // A running task has nothing to download yet.
        H.send(&state, .home)
        #expect(H.send(&state, .char("d")).isEmpty)
        #expect(H.toast(state) == "Retry a failed download: only a finished task's download can be retried")
        // Nor a task that never reached the server.
        var local = H.task("t-local", prompt: "never sent", phase: .failed, createdSecondsAgo: 1, error: "refused")
        local.remoteID = nil
        _ = AppUpdate.update(&state, .taskUpdated(local))
        H.send(&state, .home)
        #expect(state.tasks.selected?.id == "t-local")
        #expect(H.send(&state, .char("d")).isEmpty)
    }

    @Test func yOpensTheCopyMenuAndEnterCopies() throws {
        var state = H.tasksState()
        H.send(&state, [.char("j"), .char("j")])  // t-done
        #expect(H.send(&state, .char("y")).isEmpty)
        guard case .copyMenu(let id, let menu)? = state.overlay else {
            Issue.record("no copy menu")
            return
        }
        #expect(id == "t-done")
        #expect(menu.items.map(\.id) == ["seed", "path", "id", "curl"])
        let screen = H.screen(state)
        #expect(screen.contains("Copy"))
        #expect(screen.contains("Output path"))
        #expect(screen.contains("Task id"))
        #expect(H.send(&state, .enter) == [.copy("1111", what: "seed")])
        #expect(state.overlay == nil)
        H.send(&state, [.char("y"), .down])
        #expect(H.send(&state, .enter) == [.copy("/tmp/flux-out/2026-01-01/red-fox.png", what: "path")])
        H.send(&state, [.char("y"), .down, .down])
        #expect(H.send(&state, .enter) == [.copy("remote-t-done", what: "task id")])
        // Esc closes without copying.
        H.send(&state, .char("y"))
        #expect(H.send(&state, .escape).isEmpty)
        #expect(state.overlay == nil)
    }

    @Test func fOpensTheOutputFolder() {
        var state = H.tasksState()
        H.send(&state, [.char("j"), .char("j")])  // t-done
        #expect(H.send(&state, .char("f")) == [.openFolder("/tmp/flux-out/2026-01-01")])
        H.send(&state, .home)
        #expect(H.send(&state, .char("f")).isEmpty)
        #expect(H.toast(state) == "Open the output folder: this task has no output yet")
    }

    // MARK: live updates

    @Test func anUpdateReplacesTheRowInPlace() throws {
        var state = H.tasksState()
        H.send(&state, .char("j"))
        var running = try #require(state.tasks.task(id: "t-pending"))
        running.progress = 0.8
        running.statusText = "Pending"
        _ = AppUpdate.update(&state, .taskUpdated(running))
        #expect(state.tasks.all.map(\.id) == ["t-progress", "t-failed", "t-done", "t-download", "t-pending"])
        #expect(try #require(Self.row("a quiet lake at dawn", state)).contains("80%"))
        var finished = running
        finished.phase = .done
        finished.statusText = "Ready"
        finished.progress = nil
        finished.finishedAt = H.epoch
        finished.outputs = ["/tmp/flux-out/lake.png"]
        _ = AppUpdate.update(&state, .taskUpdated(finished))
        #expect(state.tasks.all.map(\.id) == ["t-progress", "t-failed", "t-done", "t-download", "t-pending"])
        #expect(try #require(Self.row("a quiet lake at dawn", state)).contains("✓ Ready"))
        #expect(state.tasks.selected?.id == "t-failed")
        #expect(H.toast(state) == "Ready: flux-dev → lake.png")
        #expect(H.screen(state).contains("1 active / 5 tasks"))
    }

    @Test func aNewerTaskInsertedAboveKeepsTheSelectionOnTheSameTask() {
        var state = H.tasksState()
        H.send(&state, [.char("j"), .char("j")])
        #expect(state.tasks.selected?.id == "t-done")
        #expect(state.tasks.cursor.selected == 2)
        let newer = H.task("t-newest", prompt: "a brand new request", phase: .queued, createdSecondsAgo: 0)
        _ = AppUpdate.update(&state, .taskUpdated(newer))
        #expect(state.tasks.all.first?.id == "t-newest")
        #expect(state.tasks.selected?.id == "t-done")
        #expect(state.tasks.cursor.selected == 3)
        let rows = H.rows(state)
        #expect((rows.firstIndex { $0.contains("a brand new request") } ?? 99) < (rows.firstIndex { $0.contains("a lighthouse in a storm") } ?? -1))
        #expect(H.screen(state).contains("… Queued"))
        // Also while a filter is on.
        H.send(&state, [.char("/")] + H.keys("a "))
        let selected = state.tasks.selected?.id
        _ = AppUpdate.update(&state, .taskUpdated(H.task("t-newer", prompt: "a later one", phase: .queued, createdSecondsAgo: -5)))
        #expect(state.tasks.selected?.id == selected)
    }

    @Test func aFailedUpdateSetsTheLastErrorAndAHiddenTaskLeavesTheList() throws {
        var state = H.tasksState()
        var failing = try #require(state.tasks.task(id: "t-progress"))
        failing.phase = .failed
        failing.statusText = "Error"
        failing.error = "moderated by the server"
        _ = AppUpdate.update(&state, .taskUpdated(failing))
        #expect(state.lastError == "moderated by the server")
        #expect(H.rows(state).last?.contains("✗ moderated by the server") == true)
        failing.hidden = true
        _ = AppUpdate.update(&state, .taskUpdated(failing))
        #expect(state.tasks.task(id: "t-progress") == nil)
        #expect(!H.screen(state).contains("a lighthouse in a storm"))
    }

    // MARK: 10,000 tasks

    static func manyTasks(_ n: Int) -> [TaskEntry] {
        (0..<n).map { i in
            let number = String(format: "%05d", i)
            return TaskEntry(id: "bulk-\(number)", remoteID: "remote-\(number)", endpoint: "flux-dev",
                             parameters: TaskParameters(["prompt": .text("bulk prompt #\(number)")]), phase: .done,
                             statusText: "Ready", seed: i, createdAt: H.epoch.addingTimeInterval(-Double(i) * 10),
                             submittedAt: H.epoch.addingTimeInterval(-Double(i) * 10 + 1),
                             finishedAt: H.epoch.addingTimeInterval(-Double(i) * 10 + 9))
        }
    }

    @Test func tenThousandTasksEndAndGReachTheLastTask() {
        var state = H.tasksState(tasks: Self.manyTasks(10_000).reversed())
        #expect(state.tasks.count == 10_000)
        #expect(H.screen(state).contains("bulk prompt #00000"))
        #expect(H.screen(state).contains("Tasks (10000)"))
        H.send(&state, .end)
        #expect(state.tasks.selected?.id == "bulk-09999")
        let screen = H.screen(state)
        #expect(screen.contains("bulk prompt #09999"))
        #expect(!screen.contains("bulk prompt #00000"))
        #expect(screen.contains("0 active / 10000 tasks"))
        H.send(&state, .char("g"))
        #expect(state.tasks.selected?.id == "bulk-00000")
        #expect(H.screen(state).contains("bulk prompt #00000"))
        H.send(&state, .char("G"))
        #expect(state.tasks.selected?.id == "bulk-09999")
        #expect(H.screen(state).contains("bulk prompt #09999"))
        // At every size the selected last row is drawn.
        for (width, height) in [(80, 24), (200, 60)] {
            _ = AppUpdate.update(&state, .key(.resize(width: width, height: height)))
            #expect(H.screen(state).contains("bulk prompt #09999"), "\(width)x\(height)")
        }
    }

    @Test func tenThousandTasksFilterAndUpdateInPlace() {
        var state = H.tasksState(tasks: Self.manyTasks(10_000))
        H.send(&state, [.char("/")] + H.keys("#07777"))
        #expect(state.tasks.count == 1)
        #expect(state.tasks.selected?.id == "bulk-07777")
        H.send(&state, .escape)
        #expect(state.tasks.count == 10_000)
        #expect(state.tasks.selected?.id == "bulk-07777")
        #expect(H.screen(state).contains("bulk prompt #07777"))
        var task = state.tasks.task(id: "bulk-07777")!
        task.phase = .failed
        task.statusText = "Error"
        task.error = "gone"
        _ = AppUpdate.update(&state, .taskUpdated(task))
        #expect(state.tasks.selected?.id == "bulk-07777")
        #expect(state.tasks.all[7777].id == "bulk-07777")
        #expect(H.rows(state).contains { $0.contains("bulk prompt #07777") && $0.contains("✗ Error") })
    }

    @Test
    func pageKeysMoveByTheVisibleRowsAndUpFromTheEndDoesNotScroll() throws {
        // The table shows as many rows as the layout leaves at 120x40 (detail pane open).
        var state = H.tasksState(tasks: Self.manyTasks(100))
        func tableRows() -> [String] { H.rows(state).filter { $0.contains("bulk prompt #") && $0.contains("flux-dev") } }
        let bodyRows = tableRows().count
        #expect(bodyRows > 10 && bodyRows < 36)
        #expect(bodyRows == state.tasks.tableBodyHeight(in: Size(width: 120, height: 37)))
        H.send(&state, .pageDown)
        #expect(state.tasks.cursor.selected == bodyRows - 1)
        // From the end, ↑ moves the highlight within the page instead of scrolling the view.
        H.send(&state, .end)
        let before = tableRows()
        H.send(&state, .up)
        let after = tableRows()
        #expect(before.map { $0.contains("#00099") } == after.map { $0.contains("#00099") })
        #expect(after.contains { $0.contains("#00099") })
    }

    @Test func theActiveCountFollowsLoadsUpdatesRemovalsAndHiddenTasks() {
        var list = TaskListState()
        var tasks = Self.manyTasks(6)
        tasks[0].phase = .running
        tasks[1].phase = .queued
        list.load(tasks)
        func counted() -> Int { list.all.filter { $0.phase.isActive }.count }
        #expect(list.activeCount == 2)
        var finished = tasks[0]
        finished.phase = .done
        list.upsert(finished)
        #expect(list.activeCount == 1)
        var restarted = tasks[2]
        restarted.phase = .downloading
        list.upsert(restarted)
        list.upsert(restarted)  // the same update twice counts once
        #expect(list.activeCount == 2)
        var fresh = Self.manyTasks(7)[6]
        fresh.id = "new-task"
        fresh.phase = .submitting
        list.upsert(fresh)
        #expect(list.activeCount == 3)
        list.remove(id: "new-task")
        #expect(list.activeCount == 2)
        var hidden = tasks[1]
        hidden.hidden = true
        list.upsert(hidden)
        #expect(list.activeCount == 1)
        #expect(list.activeCount == counted())
        list.load(tasks)  // a late snapshot: removed and hidden tasks stay out, newer copies stay
        #expect(list.activeCount == counted())
    }

    @Test func theDetailPaneCountsItsLinesWithoutBuildingThem() {
        var tasks = Self.manyTasks(4)
        tasks[1].error = "boom"
        tasks[1].phase = .failed
        tasks[2].outputs = ["/out/a.jpg", "/out/b.jpg"]
        tasks[3].parameters = TaskParameters([:])
        tasks[3].remoteID = nil
        tasks[3].submittedAt = nil
        tasks[3].finishedAt = nil
        for task in tasks {
            let view = TaskDetailView(task: task, now: H.epoch)
            #expect(view.headerLineCount == view.headerLines().count, "\(task.id)")
            #expect(view.parameterCount == view.parameterCells().count, "\(task.id)")
        }
        #expect(TaskFormat.fileName("/a/b/c.jpg") == "c.jpg")
        #expect(TaskFormat.fileName("/a/日本/写真.jpg") == "写真.jpg")
        #expect(TaskFormat.fileName("plain.jpg") == "plain.jpg")
        #expect(TaskFormat.fileName("/a/dir/") == "dir")
    }
}
