import TerminalKit

/// Clicks and the wheel, resolved against what the last frame drew (`AppState.layout`): a click
/// selects a row, switches tab or presses Submit; a click on the row already selected acts as
/// Enter; a click outside an overlay closes it; the wheel scrolls the list under the pointer.
enum MouseActions {
    /// Rows the wheel moves per notch (what most terminals' own scrollback does).
    static let wheelStep = 3

    static func handle(_ state: inout AppState, _ event: MouseEvent) -> [AppEffect] {
        guard state.mouseEnabled else { return [] }
        switch event.kind {
        case .scrollUp: scroll(&state, at: event.position, by: -wheelStep)
        case .scrollDown: scroll(&state, at: event.position, by: wheelStep)
        case .press(button: 0): return click(&state, at: event.position)
        case .press, .release: break
        }
        return []
    }

    static func click(_ state: inout AppState, at point: Point) -> [AppEffect] {
        guard let target = state.layout.target(at: point) else {
            // Outside an overlay's box: close it, as Esc does.
            if state.overlay != nil, state.layout.list(at: point) == nil {
                return Dispatcher.dispatch(&state, .escape)
            }
            return []
        }
        switch target {
        case .tab(let screen):
            state.screen = screen
        case .row(let list, let row):
            let wasSelected = selectedRow(of: list, in: state) == row
            select(&state, list, row)
            if wasSelected, list != .tasks { return Dispatcher.dispatch(&state, .enter) }
        case .formFields(let area):
            guard var form = state.form else { return [] }
            var fields = form.form
            fields.setViewport(area.size)
            guard let id = fields.fieldID(at: point, in: area) else { return [] }
            form.submitFocused = false
            form.form.focus(id)
            state.form = form
        case .submitButton:
            return FormActions.submit(&state)
        case .overlayList(let area):
            return clickList(&state, at: point, in: area)
        case .sheetCell(let index):
            let wasSelected = state.sheet?.selected == index
            state.sheet?.selected = index
            if wasSelected { return Dispatcher.dispatch(&state, .enter) }
        case .dialog(let area):
            let dialog: ModalDialog?
            switch state.overlay {
            case .confirmQuit(let d)?, .confirmDelete(_, let d)?, .confirmSpend(let d, _)?, .confirmBatch(_, let d)?: dialog = d
            default: dialog = nil
            }
            guard let index = dialog?.buttonIndex(at: point, in: area) else { return [] }
            return pressDialogButton(&state, index)
        }
        return []
    }

    /// A click on a list overlay's item selects it; on the selected item, chooses it.
    static func clickList(_ state: inout AppState, at point: Point, in area: Rect) -> [AppEffect] {
        func pick(_ list: inout SelectableList) -> Bool? {
            // Drawn without its title: the overlay's box carries it (see `AppView.renderOverlay`).
            var drawn = list
            drawn.title = nil
            guard let index = drawn.itemIndex(at: point, in: area) else { return nil }
            let was = list.selectedIndex == index
            list.select(index: index)
            return was
        }
        var chosen: Bool?
        switch state.overlay {
        case .palette(var list)?: chosen = pick(&list); state.overlay = .palette(list)
        case .copyMenu(let id, var list)?: chosen = pick(&list); state.overlay = .copyMenu(taskID: id, picker: list)
        case .choices(let field, var list)?: chosen = pick(&list); state.overlay = .choices(field: field, list: list)
        case .useFinetune(let id, var list)?: chosen = pick(&list); state.overlay = .useFinetune(finetuneID: id, list: list)
        case .promptSearch(var list)?: chosen = pick(&list); state.overlay = .promptSearch(list)
        default: break
        }
        return chosen == true ? OverlayActions.choose(&state) : []
    }

    static func selectedRow(of list: FrameLayout.List, in state: AppState) -> Int? {
        switch list {
        case .picker: return state.picker.cursor.selected
        case .tasks: return state.tasks.cursor.selected
        case .finetunes: return state.finetunes.cursor.selected
        case .composerImages: return state.composer.images.selected
        case .sheet: return state.sheet?.selected
        case .overlay, .help: return nil
        }
    }

    static func select(_ state: inout AppState, _ list: FrameLayout.List, _ row: Int) {
        switch list {
        case .picker: state.picker.cursor.select(row)
        case .tasks: state.tasks.cursor.select(row)
        case .finetunes: state.finetunes.cursor.select(row)
        case .composerImages: state.composer.images.select(row)
        case .sheet: state.sheet?.selected = row
        case .overlay, .help: break
        }
    }

    static func scroll(_ state: inout AppState, at point: Point, by delta: Int) {
        guard let list = state.layout.list(at: point) else { return }
        switch list {
        case .picker: state.picker.cursor.move(by: delta)
        case .tasks: state.tasks.cursor.move(by: delta)
        case .finetunes: state.finetunes.cursor.move(by: delta)
        case .composerImages: state.composer.images.move(by: delta)
        case .sheet:
            // A row of cells per notch: a row of thumbnails is many lines high.
            let count = ContactSheetActions.selectedCell(state)?.sheet.cells.count ?? 0
            state.sheet?.move(columns: 0, rows: delta.signum(), cellCount: count)
        case .help, .overlay:
            let key: KeyEvent = delta < 0 ? .up : .down
            for _ in 0..<abs(delta) { _ = OverlayActions.widgetKey(&state, key) }
        }
    }

    /// A dialog button: focus it, then press it as Enter does.
    static func pressDialogButton(_ state: inout AppState, _ index: Int) -> [AppEffect] {
        func focus(_ dialog: inout ModalDialog) {
            for _ in dialog.buttons where dialog.selectedButton != index { _ = dialog.handle(.right) }
        }
        switch state.overlay {
        case .confirmQuit(var dialog)?:
            focus(&dialog)
            state.overlay = .confirmQuit(dialog)
        case .confirmDelete(let id, var dialog)?:
            focus(&dialog)
            state.overlay = .confirmDelete(finetuneID: id, dialog: dialog)
        case .confirmSpend(var dialog, let pending)?:
            focus(&dialog)
            state.overlay = .confirmSpend(dialog, pending)
        case .confirmBatch(let batch, var dialog)?:
            focus(&dialog)
            state.overlay = .confirmBatch(batch, dialog)
        default:
            return []
        }
        return OverlayActions.widgetKey(&state, .enter)
    }
}
