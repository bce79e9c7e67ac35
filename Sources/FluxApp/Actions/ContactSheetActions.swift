import ContactSheets
import Foundation
import TaskStore
import TerminalKit

/// The contact sheet's keys, and opening it.
public enum ContactSheetActions {
    static let group = "Contact sheet"

    /// Opens the contact sheet of batch `batchID` (the selected task's cell selected when it is
    /// one of the batch's) and asks for the batch's record. `g` on a batch's task calls it; so can
    /// anything else that knows a batch id (a batch's header row).
    public static func openSheet(_ state: inout AppState, batchID: String) -> [AppEffect] {
        // The batches read at start (and those submitted since) are on the list already; only
        // one made elsewhere meanwhile (the command line) is read from the store.
        let known = state.tasks.batches[batchID] ?? (state.sheet?.batchID == batchID ? state.sheet?.batch : nil)
        var sheetState = ContactSheetState(batchID: batchID, batch: known)
        if let id = state.tasks.selected?.id, let index = sheetState.sheet(state.tasks.tasks(inBatch: batchID)).cells.firstIndex(where: { $0.taskID == id }) {
            sheetState.selected = index
        }
        state.sheet = sheetState
        state.screen = .sheet
        return sheetState.batch == nil ? [.loadBatch(batchID)] : []
    }

    /// The sheet as it is now, with the selected cell.
    static func selectedCell(_ state: AppState) -> (sheet: ContactSheet, cell: ContactSheet.Cell)? {
        guard let sheetState = state.sheet else { return nil }
        let sheet = sheetState.sheet(state.tasks.tasks(inBatch: sheetState.batchID))
        guard !sheet.cells.isEmpty else { return nil }
        return (sheet, sheet.cells[min(sheetState.selected, sheet.cells.count - 1)])
    }

    static func move(_ dx: Int, _ dy: Int) -> @Sendable (inout AppState) -> [AppEffect] {
        { state in
            let count = selectedCell(state)?.sheet.cells.count ?? 0
            state.sheet?.move(columns: dx, rows: dy, cellCount: count)
            return []
        }
    }

    static let all: [Action] = [
        Action("move-left", keys: [.left, .char("h")], keyLabel: "←/h", title: "Previous cell", group: group, inPalette: false,
               run: move(-1, 0)),
        Action("move-right", keys: [.right, .char("l")], keyLabel: "→/l", title: "Next cell", group: group, inPalette: false,
               run: move(1, 0)),
        Action("move-up", keys: [.up, .char("k")], keyLabel: "↑/k", title: "Cell above", group: group, inPalette: false,
               run: move(0, -1)),
        Action("move-down", keys: [.down, .char("j")], keyLabel: "↓/j", title: "Cell below", group: group, inPalette: false,
               run: move(0, 1)),
        Action("open-task", keys: [.enter], title: "Open the task in the task list", group: group, hint: "open task",
               disabledReason: { state in
                   guard let (_, cell) = selectedCell(state) else { return "the batch has no task on the list" }
                   return cell.taskID == nil ? "this task was removed from the list" : nil
               }) { state in
            guard let id = selectedCell(state)?.cell.taskID else { return [] }
            state.screen = .tasks
            if state.tasks.task(id: id) != nil, !state.tasks.filter.text.isEmpty { state.tasks.setFilter("") }
            state.tasks.isFiltering = false
            state.tasks.select(id: id)
            state.tasks.showDetail = true
            return []
        },
        Action("preview", keys: [.char("p")], title: "Preview the image full screen", group: group, hint: "preview",
               disabledReason: { state in
                   guard let (_, cell) = selectedCell(state) else { return "the batch has no task on the list" }
                   return cell.image == nil ? "\(cell.placeholder ?? "no image"): nothing to preview" : nil
               }) { state in
            guard let (sheet, cell) = selectedCell(state), let path = cell.image else { return [] }
            state.overlay = .imagePreview(path: path, title: "\(sheet.title) · \(cell.label)")
            return []
        },
        Action("back", keys: [.escape], title: "Back to the task list", group: group, hint: "back") { state in
            state.screen = .tasks
            return []
        },
    ]
}
