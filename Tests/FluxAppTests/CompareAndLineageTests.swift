import FluxAPI
import Foundation
import ImagePreview
import TaskStore
import Testing
import TerminalKit
@testable import FluxApp

private typealias H = AppHarness

/// Issue 17, in the app: `m` and `=` compare two tasks side by side; reruns and edits record their
/// parent and the detail pane shows the chain; "Export tasks…" in the palette.
@Suite struct CompareAndLineageTests {
    static func pair(leftImage: String? = nil, rightImage: String? = nil) -> [TaskEntry] {
        [H.task("t-a", prompt: "a blue lighthouse at night", phase: .done, createdSecondsAgo: 100, seed: 42,
                statusText: "Ready", outputs: leftImage.map { [$0] } ?? ["/tmp/none/a.png"], parameters: ["guidance": .number(3)]),
         H.task("t-b", prompt: "a red lighthouse at night", phase: .done, createdSecondsAgo: 50, seed: 7,
                statusText: "Ready", outputs: rightImage.map { [$0] } ?? ["/tmp/none/b.png"], parameters: ["guidance": .number(4.5)])]
    }

    // MARK: compare

    @Test func mMarksATaskAndEqualsOpensTheSplitViewEscCloses() throws {
        var state = H.tasksState(width: 140, height: 44, tasks: Self.pair())
        // The list is newest first: t-b, then t-a.
        H.send(&state, .char("j"))
        #expect(state.tasks.selected?.id == "t-a")
        #expect(H.send(&state, .char("m")).isEmpty)
        #expect(state.tasks.markedID == "t-a")
        let marked = try #require(H.rows(state).first { $0.contains("blue lighthouse") })
        #expect(marked.contains("◆ flux-dev"))
        #expect(H.rows(state).first { $0.contains("red lighthouse") }?.contains("◆") == false)

        H.send(&state, .char("k"))
        #expect(H.send(&state, .char("=")).isEmpty)
        #expect(state.overlay == .compare(left: "t-a", right: "t-b"))
        let screen = H.screen(state)
        #expect(screen.contains("Compare · Esc closes"))
        #expect(screen.contains("A remote-t · flux-dev · Ready") && screen.contains("B remote-t · flux-dev · Ready"))
        let rows = H.rows(state)
        let seed = try #require(rows.first { $0.contains(" seed ") })
        #expect(seed.contains("≠") && seed.contains("42") && seed.contains("7"))
        let guidance = try #require(rows.first { $0.contains(" guidance ") })
        #expect(guidance.contains("≠") && guidance.contains("3") && guidance.contains("4.5"))
        let width = try #require(rows.first { $0.contains(" width ") })
        #expect(!width.contains("≠"))
        #expect(screen.contains("prompt diff: a [-blue-] {+red+} lighthouse at night"))
        #expect(screen.contains("3 of 6 differ"))

        H.send(&state, .escape)
        #expect(state.overlay == nil)
        #expect(state.screen == .tasks)
        // `m` again on the marked task unmarks it.
        H.send(&state, .char("j"))
        H.send(&state, .char("m"))
        #expect(state.tasks.markedID == nil)
    }

    @Test func differingRowsAreHighlightedAndWordsColoured() throws {
        var state = H.tasksState(width: 140, height: 44, tasks: Self.pair())
        state.tasks.markedID = "t-a"
        H.send(&state, .char("="))
        let buffer = AppView.render(state, theme: .fallback)
        let rows = H.rows(buffer)
        let y = try #require(rows.firstIndex { $0.contains(" guidance ") })
        let x = try #require(rows[y].range(of: "guidance").map { rows[y].distance(from: rows[y].startIndex, to: $0.lowerBound) })
        #expect(buffer[x, y].style == Theme.fallback.style(.warning))
        let diffY = try #require(rows.firstIndex { $0.contains("prompt diff:") })
        let removed = try #require(rows[diffY].range(of: "[-blue-]").map { rows[diffY].distance(from: rows[diffY].startIndex, to: $0.lowerBound) })
        #expect(buffer[removed, diffY].style == Theme.fallback.style(.error))
    }

    @Test func equalsSaysWhyItCannotCompare() {
        var state = H.tasksState(width: 140, height: 44, tasks: Self.pair())
        H.send(&state, .char("="))
        #expect(state.overlay == nil)
        #expect(H.toast(state) == "Compare with the marked task: mark a task with m first")
        H.send(&state, .char("m"))
        H.send(&state, .char("="))
        #expect(H.toast(state) == "Compare with the marked task: select another task than the marked one")
    }

    @Test func bothPreviewsAreLoadedOffTheLoopAndDrawnSideBySide() throws {
        let left = try PreviewTests.writeImage("left.png"), right = try PreviewTests.writeImage("right.png")
        var state = H.tasksState(width: 140, height: 44, tasks: Self.pair(leftImage: left, rightImage: right))
        state.tasks.markedID = "t-a"
        H.send(&state, .char("="))
        #expect(H.screen(state).contains("loading preview…"))
        let effects = AppUpdate.previewEffects(&state)
        let paths = effects.compactMap { if case .loadPreview(let key, _) = $0 { return key.path } else { return nil } }
        #expect(Set(paths) == [left, right])
        for case .loadPreview(let key, let mode) in effects {
            let result = PreviewLoader.load(path: key.path, columns: key.columns, rows: key.rows, mode: mode)
            _ = AppUpdate.update(&state, .previewLoaded(key, LoadedPreview(result: result, modified: nil)))
        }
        let cells = PreviewTests.halfBlocks(AppView.render(state, theme: .fallback))
        #expect(Set(cells.map { $0.x < 70 }) == [true, false], "previews on both halves")
    }

    @Test func aComparedTaskThatLeavesTheListIsSaidSo() {
        var state = H.tasksState(width: 140, height: 44, tasks: Self.pair())
        state.tasks.markedID = "t-a"
        H.send(&state, .char("="))
        state.tasks.remove(id: "t-a")
        #expect(H.screen(state).contains("A compared task is no longer on the list."))
    }

    // MARK: lineage

    @Test func rerunAndEditRecordTheParent() {
        var state = H.tasksState(width: 140, height: 44, tasks: Self.pair())
        guard case .submit(_, _, let origin)? = H.send(&state, .char("r")).first else {
            Issue.record("no submit")
            return
        }
        #expect(origin == TaskOrigin(parentID: "t-b"))
        H.send(&state, .char("e"))
        #expect(state.form?.parentTaskID == "t-b")
        guard case .submit(_, _, let edited)? = H.send(&state, .ctrl("s")).first else {
            Issue.record("no submit from the form")
            return
        }
        #expect(edited.parentID == "t-b")
        // A form opened from the picker has no parent.
        state.openForm(H.endpoint("flux-pro-1.1"))
        #expect(state.form?.parentTaskID == nil)
    }

    @Test func theDetailPaneShowsTheChainAndWhatChangedAtEachStep() throws {
        let root = H.task("11111111-root", prompt: "a fox", phase: .done, createdSecondsAgo: 300, seed: 5)
        var edit = H.task("22222222-edit", prompt: "a red fox", phase: .done, createdSecondsAgo: 200, seed: 5,
                          parameters: ["seed": .integer(5)])
        edit.parentID = root.id
        var rerun = H.task("33333333-rerun", prompt: "a red fox", phase: .done, createdSecondsAgo: 100, seed: 9)
        rerun.parentID = edit.id
        var state = H.tasksState(width: 140, height: 44, tasks: [root, edit, rerun])
        #expect(state.tasks.selected?.id == rerun.id)
        let screen = H.screen(state)
        #expect(screen.contains("↰ from 22222222 (flux-dev): seed 5 → 9"))
        #expect(screen.contains("↰ from 11111111 (flux-dev): prompt +red"))
        // The root has no chain; a task whose parent was removed says so.
        H.send(&state, [.char("j"), .char("j")])
        #expect(!H.screen(state).contains("↰"))
        state.tasks.remove(id: edit.id)
        state.tasks.select(id: rerun.id)
        #expect(H.screen(state).contains("↰ from 22222222: no longer on the list"))
    }

    // MARK: export

    @Test func exportTasksFromThePaletteAsksForAFormat() throws {
        var state = H.tasksState()
        H.send(&state, .char(":"))
        H.type("export tasks", &state)
        guard case .palette(let list)? = state.overlay else {
            Issue.record("no palette")
            return
        }
        #expect(list.selectedItem?.title.hasPrefix("Export tasks…") == true)
        H.send(&state, .enter)
        guard case .palette(let formats)? = state.overlay else {
            Issue.record("no format list")
            return
        }
        #expect(formats.items.map(\.title) == ["JSON Lines", "CSV", "Markdown"])
        H.send(&state, [.down, .down])
        #expect(H.send(&state, .enter) == [.exportTasks(.md)])
        #expect(H.toast(state) == "Exporting tasks as Markdown…")
        #expect(state.overlay == nil)
    }
}
