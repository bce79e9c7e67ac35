import FluxAPI
import Foundation
import TerminalKit

/// Keys of whatever is drawn over the screen. Every overlay closes on one Esc, even while its list
/// is being filtered (as in k9s, lazygit and posting); what the overlay's widget does with other
/// keys (scrolling, moving, typing a filter) is in `widgetKey`.
enum OverlayActions {
    static let group = "Dialogs and lists"

    static func isList(_ state: AppState) -> Bool {
        switch state.overlay {
        case .copyMenu?, .palette?, .choices?, .useFinetune?, .promptSearch?: return true
        default: return false
        }
    }

    static let all: [Action] = [
        Action("close", keys: [.escape], title: "Close the dialog, list or preview", group: group, inPalette: false) { state in
            state.overlay = nil
            return []
        },
        Action("choose", keys: [.enter], title: "Run / choose the highlighted entry", group: group, inPalette: false,
               when: isList) { state in
            choose(&state)
        },
        Action("open-image", keys: [.char("o")], title: "Open the previewed image with the desktop's viewer", group: group,
               inPalette: false, when: { if case .imagePreview? = $0.overlay { return true } else { return false } }) { state in
            guard case .imagePreview(let path, _)? = state.overlay else { return [] }
            state.overlay = nil
            return [.openFile(path)]
        },
    ]

    /// Enter in a list overlay.
    static func choose(_ state: inout AppState) -> [AppEffect] {
        guard let overlay = state.overlay else { return [] }
        state.overlay = nil
        switch overlay {
        case .palette(let list):
            guard let id = list.selectedItem?.id else { return [] }
            return ActionCatalog.runFromPalette(&state, id: id)
        case .copyMenu(let taskID, let list):
            guard let choice = list.selectedItem?.id, let task = state.tasks.task(id: taskID) else { return [] }
            switch choice {
            case "seed":
                guard let seed = task.seed else {
                    state.toast("This task has no seed yet", .warning)
                    return []
                }
                return [.copy(String(seed), what: "seed")]
            case "path": return task.outputs.first.map { [.copy($0, what: "path")] } ?? []
            case "curl":
                guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return [] }
                let server = state.server.url ?? URL(string: "https://api.bfl.ai")!
                return [.copy(CurlCommand.make(endpoint, task.parameters, serverURL: server), what: "curl command")]
            default: return [.copy(task.remoteID ?? task.id, what: "task id")]
            }
        case .choices(let field, let list):
            guard let index = list.selectedIndex else { return [] }
            state.activeForm?.choose(index, for: field)
            return []
        case .promptSearch(let list):
            guard let prompt = list.selectedItem?.title else { return [] }
            state.activeForm?.setText(prompt, for: "prompt")
            return []
        case .useFinetune(let id, let list):
            guard let item = list.selectedItem, let endpoint = EndpointRegistry.endpoint(named: item.id) else { return [] }
            state.openForm(endpoint, prefill: TaskParameters(["finetune_id": .text(id)]))
            return []
        default:
            return []
        }
    }

    /// Keys no overlay action took: the overlay's own widget handles them.
    static func widgetKey(_ state: inout AppState, _ key: KeyEvent) -> [AppEffect] {
        guard let overlay = state.overlay else { return [] }
        switch overlay {
        case .help(var help):
            // Scroll keys scroll; any other key closes the help.
            let scrolls: Set<KeyEvent> = [.up, .down, .pageUp, .pageDown, .home, .end, .char("j"), .char("k")]
            guard scrolls.contains(key) else {
                state.overlay = nil
                return []
            }
            _ = help.handle(key)
            state.overlay = .help(help)
        case .preview(let title, let lines, let offset):
            let last = max(0, lines.count - 1)
            switch key {
            case .up, .char("k"): state.overlay = .preview(title: title, lines: lines, offset: max(0, offset - 1))
            case .down, .char("j"): state.overlay = .preview(title: title, lines: lines, offset: min(last, offset + 1))
            case .pageDown: state.overlay = .preview(title: title, lines: lines, offset: min(last, offset + 10))
            case .pageUp: state.overlay = .preview(title: title, lines: lines, offset: max(0, offset - 10))
            default: state.overlay = nil
            }
        case .imagePreview:
            state.overlay = nil  // any key closes
        case .compare:
            break  // Esc closes (the `close` action); other keys would be surprising here
        case .confirmQuit(var dialog):
            switch dialog.handle(key) {
            case .chose(1):
                state.overlay = nil
                state.quitting = true
                return [.quit]
            case .chose, .dismissed: state.overlay = nil
            default: state.overlay = .confirmQuit(dialog)
            }
        case .confirmBatch(let batch, var dialog):
            switch dialog.handle(key) {
            case .chose(1):
                state.overlay = nil
                return FormActions.sendBatch(batch, &state)
            case .chose, .dismissed: state.overlay = nil
            default: state.overlay = .confirmBatch(batch, dialog)
            }
        case .confirmDelete(let id, var dialog):
            switch dialog.handle(key) {
            case .chose(1):
                state.overlay = nil
                return [.deleteFinetune(id)]
            case .chose, .dismissed: state.overlay = nil
            default: state.overlay = .confirmDelete(finetuneID: id, dialog: dialog)
            }
        case .confirmSpend(var dialog, let pending):
            switch dialog.handle(key) {
            case .chose(1):
                state.overlay = nil
                return SpendGate.run(&state, pending)
            case .chose, .dismissed:
                state.overlay = nil
                state.toast("Not submitted", .info)
            default: state.overlay = .confirmSpend(dialog, pending)
            }
        case .copyMenu(let taskID, var list):
            if key == .char("q") {
                state.overlay = nil
                return []
            }
            _ = list.handle(key)
            state.overlay = .copyMenu(taskID: taskID, picker: list)
        case .palette(var list):
            _ = list.handle(key)
            state.overlay = .palette(list)
        case .choices(let field, var list):
            _ = list.handle(key)
            state.overlay = .choices(field: field, list: list)
        case .useFinetune(let id, var list):
            _ = list.handle(key)
            state.overlay = .useFinetune(finetuneID: id, list: list)
        case .promptSearch(var list):
            _ = list.handle(key)
            state.overlay = .promptSearch(list)
        }
        return []
    }
}
