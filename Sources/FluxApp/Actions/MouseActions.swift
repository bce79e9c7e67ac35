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
        case .formField(let id):
            state.activeForm?.submitFocused = false
            state.activeForm?.form.focus(id)
        case .submitButton:
            return FormActions.submit(&state)
        case .dialogButton(let index):
            return pressDialogButton(&state, index)
        }
        return []
    }

    static func selectedRow(of list: FrameLayout.List, in state: AppState) -> Int? {
        switch list {
        case .picker: return state.picker.cursor.selected
        case .tasks: return state.tasks.cursor.selected
        case .finetunes: return state.finetunes.cursor.selected
        case .composerImages: return state.composer.images.selected
        case .overlay, .help: return nil
        }
    }

    static func select(_ state: inout AppState, _ list: FrameLayout.List, _ row: Int) {
        switch list {
        case .picker: state.picker.cursor.select(row)
        case .tasks: state.tasks.cursor.select(row)
        case .finetunes: state.finetunes.cursor.select(row)
        case .composerImages: state.composer.images.select(row)
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
        default:
            return []
        }
        return OverlayActions.widgetKey(&state, .enter)
    }
}
