import FluxAPI
import Foundation
import ImageCodec
import ImagePreview
import TaskStore
import Testing
import TerminalKit
@testable import FluxApp

/// The contact sheet screen, headless: `g` on a batch's task, moving around the grid, Enter, `p`,
/// Esc, the labels and headers drawn, the thumbnails loaded off the loop.
@Suite struct ContactSheetScreenTests {
    /// A 2 seed x 3 guidance batch (last field fastest, as a sweep orders it); the last task failed.
    static func batchTasks(output: String = "/tmp/none.png") -> (BatchEntry, [TaskEntry]) {
        var tasks: [TaskEntry] = []
        for seed in [11, 22] {
            for guidance in [2.0, 3.5, 5.0] {
                let i = tasks.count
                let failed = i == 5
                var task = AppHarness.task("b-\(i)", prompt: "a fox", phase: failed ? .failed : .done, createdSecondsAgo: Double(100 - i),
                                           seed: seed, error: failed ? "the server reported an error" : nil,
                                           outputs: failed ? [] : [output], parameters: ["guidance": .number(guidance)])
                task.origin = TaskOrigin(batchID: "batch-1234abcd", batchIndex: i)
                tasks.append(task)
            }
        }
        let batch = BatchEntry(id: "batch-1234abcd", endpoint: "flux-dev", title: "flux-dev: 2 seed x 3 guidance",
                               variedFields: ["seed", "guidance"], taskCount: 6, createdAt: AppHarness.epoch)
        return (batch, tasks)
    }

    /// The task list with the batch and one task of no batch, the batch's first task selected.
    static func state(width: Int = 120, height: Int = 40, output: String = "/tmp/none.png") -> AppState {
        let (_, tasks) = batchTasks(output: output)
        let loose = AppHarness.task("loose", prompt: "alone", phase: .done, createdSecondsAgo: 500, seed: 5, outputs: [output])
        var state = AppHarness.tasksState(width: width, height: height, tasks: tasks + [loose])
        state.tasks.select(id: "b-0")
        return state
    }

    static func opened(width: Int = 120, height: Int = 40, output: String = "/tmp/none.png") -> AppState {
        var state = state(width: width, height: height, output: output)
        let effects = AppHarness.send(&state, .char("g"))
        #expect(effects == [.loadBatch("batch-1234abcd")])
        _ = AppUpdate.update(&state, .batchLoaded(id: "batch-1234abcd", batchTasks().0))
        state.adopt(AppView.frame(state, theme: .fallback).layout)
        return state
    }

    @Test func gOnABatchTaskOpensItsSheetAndElsewhereGoesToTheFirstRow() {
        var state = Self.state()
        state.tasks.select(id: "loose")
        AppHarness.send(&state, .char("g"))
        // Not a batch's task: `g` is still "first row".
        #expect(state.screen == .tasks)
        #expect(state.tasks.cursor.selected == 0)
        state.tasks.select(id: "b-4")
        AppHarness.send(&state, .char("g"))
        #expect(state.screen == .sheet)
        #expect(state.sheet?.batchID == "batch-1234abcd")
        // The task the list had selected is the sheet's selected cell, also once the batch's record
        // (seed before guidance) rearranges the grid worked out from the tasks (guidance, seed).
        #expect(state.sheet?.selected == 3)
        _ = AppUpdate.update(&state, .batchLoaded(id: "batch-1234abcd", Self.batchTasks().0))
        #expect(state.sheet?.selected == 4)
        #expect(AppHarness.screen(state).contains("seed 22 · guidance 3.5 — none.png — 5 of 6"))
    }

    @Test func gOnABatchHeaderOfTheGroupedListOpensTheSheet() {
        var state = Self.state()
        _ = AppUpdate.update(&state, .batchesLoaded([Self.batchTasks().0]))
        AppHarness.send(&state, .char("b"))
        #expect(state.tasks.groupByBatch)
        // The batch's header row is first (its newest task is newer than the loose one).
        AppHarness.send(&state, .home)
        #expect(state.tasks.selectedBatch?.id == "batch-1234abcd")
        #expect(state.tasks.selected == nil)
        // The batch read at start is used as it is: nothing is read again.
        let effects = AppHarness.send(&state, .char("g"))
        #expect(!effects.contains(.loadBatch("batch-1234abcd")))
        #expect(state.screen == .sheet)
        #expect(state.sheet?.batchID == "batch-1234abcd")
        #expect(AppHarness.screen(state).contains("seed 11"))
    }

    @Test func theSheetShowsHeadersPlaceholdersAndTheSelectedLabel() {
        let state = Self.opened()
        let screen = AppHarness.screen(state)
        #expect(screen.contains("Contact sheet · flux-dev: 2 seed x 3 guidance · batch batch-12 (5/6 ready)"))
        // The corner names the rows' field, the column headers theirs.
        #expect(screen.contains("│seed guidance 2"))
        #expect(screen.contains("guidance 3.5"))
        #expect(screen.contains("guidance 5"))
        // Row headers beside the rows, the failed cell saying so.
        let rows = AppHarness.rows(state)
        #expect(rows.contains { $0.contains("11") && !$0.contains("seed 11") })
        #expect(rows.contains { $0.contains("22") })
        #expect(screen.contains("failed"))
        #expect(screen.contains("seed 11 · guidance 2 — none.png — 1 of 6"))
        #expect(screen.contains("Esc back"))
    }

    @Test func arrowsAndHjklMoveOnTheGrid() {
        var state = Self.opened()
        #expect(state.sheet?.viewport.columns == 3)
        AppHarness.send(&state, .right)
        #expect(state.sheet?.selected == 1)
        AppHarness.send(&state, .char("l"))
        AppHarness.send(&state, .char("l"))
        // The end of the row: stays.
        #expect(state.sheet?.selected == 2)
        AppHarness.send(&state, .char("j"))
        #expect(state.sheet?.selected == 5)
        AppHarness.send(&state, .down)
        #expect(state.sheet?.selected == 5)
        AppHarness.send(&state, .char("h"))
        AppHarness.send(&state, .up)
        #expect(state.sheet?.selected == 1)
        AppHarness.send(&state, .char("k"))
        #expect(state.sheet?.selected == 1)
        AppHarness.send(&state, .left)
        AppHarness.send(&state, .char("j"))
        #expect(AppHarness.screen(state).contains("seed 22 · guidance 2 — none.png — 4 of 6"))
        AppHarness.send(&state, .right)
        AppHarness.send(&state, .right)
        #expect(AppHarness.screen(state).contains("seed 22 · guidance 5 — failed: the server reported an error — 6 of 6"))
    }

    @Test func enterOpensTheTaskInTheList() {
        var state = Self.opened()
        state.tasks.setFilter("loose")
        AppHarness.send(&state, [.right, .down])
        AppHarness.send(&state, .enter)
        #expect(state.screen == .tasks)
        #expect(state.tasks.selected?.id == "b-4")
        #expect(state.tasks.filter.text.isEmpty)
        #expect(state.tasks.showDetail)
    }

    @Test func pPreviewsTheImageAndEscGoesBack() {
        var state = Self.opened()
        AppHarness.send(&state, .char("p"))
        #expect(state.overlay == .imagePreview(path: "/tmp/none.png", title: "flux-dev: 2 seed x 3 guidance · seed 11 · guidance 2"))
        // Any key closes the preview, back on the sheet.
        AppHarness.send(&state, .escape)
        #expect(state.overlay == nil)
        #expect(state.screen == .sheet)
        // The failed cell has nothing to preview: it says so.
        AppHarness.send(&state, [.down, .right, .right, .char("p")])
        #expect(state.overlay == nil)
        #expect(AppHarness.toast(state)?.contains("failed: nothing to preview") == true)
        AppHarness.send(&state, .escape)
        #expect(state.screen == .tasks)
    }

    @Test func oneSweptFieldWrapsWithLabelsAndScrolls() {
        var tasks: [TaskEntry] = []
        for i in 0..<40 {
            var task = AppHarness.task("s-\(i)", prompt: "a fox", phase: i == 0 ? .queued : .done, createdSecondsAgo: Double(100 - i),
                                       seed: 100 + i, outputs: i == 0 ? [] : ["/tmp/none.png"])
            task.origin = TaskOrigin(batchID: "seeds", batchIndex: i)
            tasks.append(task)
        }
        var state = AppHarness.tasksState(width: 100, height: 30, tasks: tasks)
        state.tasks.select(id: "s-0")
        AppHarness.send(&state, .char("g"))
        _ = AppUpdate.update(&state, .batchLoaded(id: "seeds", BatchEntry(id: "seeds", endpoint: "flux-dev", title: "flux-dev: 40 seed",
                                                                          variedFields: ["seed"], taskCount: 40)))
        state.adopt(AppView.frame(state, theme: .fallback).layout)
        var screen = AppHarness.screen(state)
        #expect(screen.contains("▸ seed 100"))
        #expect(screen.contains("seed 101"))
        #expect(screen.contains("queued"))
        #expect(!screen.contains("seed 139"))
        let columns = state.sheet?.viewport.columns ?? 0
        #expect(columns > 1)
        // Down to the last row: the grid scrolls, and rendering writes where it scrolled to.
        for _ in 0..<20 { AppHarness.send(&state, .down) }
        state.adopt(AppView.frame(state, theme: .fallback).layout)
        screen = AppHarness.screen(state)
        #expect(screen.contains("seed 139") || screen.contains("▸ seed \(100 + ((39 / columns) * columns))"))
        #expect(!screen.contains("seed 100 "))
        #expect((state.sheet?.viewport.firstRow ?? 0) > 0)
    }

    @Test func thumbnailsLoadOffTheLoopAndDrawAsHalfBlocks() throws {
        let path = try PreviewTests.writeImage()
        var state = Self.opened(output: path)
        state.colorMode = .c256
        #expect(AppHarness.screen(state).contains("loading"))
        // Five finished cells showing one file at one size: one load.
        #expect(PreviewTests.performLoads(&state) == 1)
        #expect(PreviewTests.performLoads(&state) == 0)
        #expect(PreviewTests.halfBlocks(PreviewTests.render(state)).count > 50)
    }

    @Test func anUnknownBatchSaysSoInsteadOfCrashing() {
        var state = Self.state()
        _ = ContactSheetActions.openSheet(&state, batchID: "gone")
        #expect(state.screen == .sheet)
        #expect(AppHarness.screen(state).contains("No task of batch gone is on the list."))
        AppHarness.send(&state, [.down, .right, .enter, .char("p")])
        #expect(state.screen == .sheet)
        #expect(state.overlay == nil)
        for size in [Size(width: 80, height: 24), Size(width: 200, height: 60)] {
            var small = Self.opened(width: size.width, height: size.height)
            AppHarness.send(&small, [.down, .right])
            #expect(AppHarness.screen(small).contains("Contact sheet"))
        }
    }

    @Test func helpAndKeysListTheSheetActions() {
        var state = Self.opened()
        AppHarness.send(&state, .char("?"))
        guard case .help(let help)? = state.overlay else { Issue.record("no help"); return }
        #expect(help.title == "Contact sheet keys")
        #expect(help.bindings.contains { $0.description == "Open the task in the task list" })
        #expect(ActionCatalog.knownIDs.contains("contact-sheet"))
        #expect(ActionCatalog.knownIDs.contains("open-task"))
    }
}

/// The mouse on the sheet: a click selects a cell, a click on the selected cell opens its task,
/// the wheel moves a row.
@Suite struct ContactSheetMouseTests {
    static func click(_ state: inout AppState, cell index: Int) {
        state.adopt(AppView.frame(state, theme: .fallback).layout)
        let region = state.layout.regions.first { $0.target == .sheetCell(index) }
        guard let rect = region?.rect else { Issue.record("cell \(index) is not on screen"); return }
        AppHarness.send(&state, .mouse(MouseEvent(kind: .press(button: 0), position: Point(x: rect.x + 1, y: rect.y + 1))))
    }

    @Test func clickSelectsThenOpensAndTheWheelMovesARow() {
        var state = ContactSheetScreenTests.opened()
        Self.click(&state, cell: 2)
        #expect(state.sheet?.selected == 2)
        #expect(state.screen == .sheet)
        let grid = state.layout.lists[.sheet]!
        AppHarness.send(&state, .mouse(MouseEvent(kind: .scrollDown, position: Point(x: grid.x + 1, y: grid.y + 1))))
        #expect(state.sheet?.selected == 5)
        AppHarness.send(&state, .mouse(MouseEvent(kind: .scrollUp, position: Point(x: grid.x + 1, y: grid.y + 1))))
        #expect(state.sheet?.selected == 2)
        Self.click(&state, cell: 2)
        #expect(state.screen == .tasks)
        #expect(state.tasks.selected?.id == "b-2")
    }
}
