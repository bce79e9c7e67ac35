import Foundation
import TaskStore
import TerminalKit
import Testing

@testable import FluxApp

/// The stored tasks are read off the loop at start; updates from the engine can arrive first.
struct TaskLoadingTests {
    typealias H = AppHarness

    @Test func theListSaysItIsReadingUntilTheTasksArrive() {
        var state = TaskListState()
        #expect(!state.isLoaded)
        let theme = Theme.fallback
        var buffer = ScreenBuffer(width: 100, height: 12)
        state.render(into: &buffer, in: Rect(x: 0, y: 0, width: 100, height: 12), theme: theme, now: H.epoch)
        #expect(buffer.text.contains("Reading the task database"))
        state.load([])
        buffer = ScreenBuffer(width: 100, height: 12)
        state.render(into: &buffer, in: Rect(x: 0, y: 0, width: 100, height: 12), theme: theme, now: H.epoch)
        #expect(buffer.text.contains("No tasks yet"))
    }

    @Test func anUpdateNewerThanTheSnapshotIsKept() {
        var state = TaskListState()
        let stored = H.task("a", prompt: "lighthouse", phase: .running, createdSecondsAgo: 60, progress: 0.2)
        var newer = stored
        newer.progress = 0.8
        newer.updatedAt = stored.updatedAt.addingTimeInterval(5)
        state.upsert(newer)
        state.load([stored, H.task("b", prompt: "harbour", phase: .done, createdSecondsAgo: 90)])
        #expect(state.all.map(\.id) == ["a", "b"])
        #expect(state.task(id: "a")?.progress == 0.8)
    }

    @Test func anOlderUpdateIsReplacedByTheSnapshot() {
        var state = TaskListState()
        let stored = H.task("a", prompt: "lighthouse", phase: .done, createdSecondsAgo: 60)
        var older = stored
        older.phase = .running
        older.updatedAt = stored.updatedAt.addingTimeInterval(-5)
        state.upsert(older)
        state.load([stored])
        #expect(state.task(id: "a")?.phase == .done)
    }

    @Test func aTaskSubmittedBeforeTheSnapshotArrivesStaysAndARemovedOneStaysRemoved() {
        var state = TaskListState()
        let fresh = H.task("new", prompt: "fresh", phase: .queued, createdSecondsAgo: 1)
        state.upsert(fresh)
        let old = H.task("old", prompt: "old", phase: .done, createdSecondsAgo: 100)
        var hidden = H.task("gone", prompt: "gone", phase: .done, createdSecondsAgo: 50)
        hidden.hidden = true
        state.upsert(hidden)
        hidden.hidden = false
        state.load([old, hidden])
        #expect(state.all.map(\.id) == ["new", "old"])
    }

    @Test func theSelectionStaysOnTheSameTask() {
        var state = TaskListState()
        state.upsert(H.task("x", prompt: "x", phase: .running, createdSecondsAgo: 5))
        state.select(id: "x")
        state.load([H.task("y", prompt: "y", phase: .done, createdSecondsAgo: 1), H.task("z", prompt: "z", phase: .done, createdSecondsAgo: 9)])
        #expect(state.selected?.id == "x")
        #expect(state.all.map(\.id) == ["y", "x", "z"])
    }

    @Test func fileNamesWithoutBuildingURLs() {
        #expect(TaskFormat.fileName("/home/me/out/flux-dev-1.jpg") == "flux-dev-1.jpg")
        #expect(TaskFormat.fileName("relative.png") == "relative.png")
        #expect(TaskFormat.fileName("/tmp/dir/") == "dir")
    }
}
