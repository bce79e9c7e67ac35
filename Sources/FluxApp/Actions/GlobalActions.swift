import FluxAPI
import TerminalKit

/// Keys that work on every screen (after the screen's own). On the form and the composer, where
/// printable keys are typed, only the non-printable ones (F1, Ctrl-C) apply.
enum GlobalActions {
    static let group = "Global"

    static func go(_ id: String, _ key: Character, _ title: String, _ screen: Screen) -> Action {
        Action(id, keys: [.char(key)], title: title, group: group) { state in
            state.screen = screen
            return []
        }
    }

    static let all: [Action] = [
        Action("help", keys: [.char("?"), .function(1)], keyLabel: "?/F1", title: "Show the keys for this screen", group: group,
               hint: "keys") { state in
            state.overlay = .help(ActionCatalog.help(for: state))
            return []
        },
        Action("palette", keys: [.char(":")], title: "Command palette (any action of this screen)", group: group, inPalette: false) { state in
            state.overlay = .palette(ActionCatalog.palette(for: state))
            return []
        },
        go("go-endpoints", "1", "Go to the endpoints", .picker),
        go("go-tasks", "2", "Go to the tasks", .tasks),
        go("go-finetunes", "3", "Go to the fine-tunes", .finetunes),
        Action("go-composer", keys: [], title: "Compose a fine-tune from a folder", group: group) { state in
            state.screen = .composer
            return []
        },
        Action("spend-report", keys: [], title: "Spend report: credits per day and per endpoint", group: group) { _ in
            [.loadSpendReport]
        },
        Action("quit", keys: [.char("q"), .ctrl("c")], title: "Quit (asks while tasks are being submitted)", group: group) { state in
            requestQuit(&state)
        },
    ] + ExportActions.all

    static func requestQuit(_ state: inout AppState) -> [AppEffect] {
        let busy = state.tasks.all.filter { $0.phase == .queued || $0.phase == .submitting || $0.phase == .downloading }.count
        let running = state.tasks.all.filter { $0.phase == .running }.count
        let message: String
        if busy > 0 {
            message = "\(busy) task\(busy == 1 ? " is" : "s are") still being submitted or downloaded. "
                + "They resume when you start flux-tui again; a submit cut off now is marked uncertain."
        } else if state.server.isSimulator && running > 0 {
            // The built-in simulator lives in this process: its tasks end with it.
            message = "\(running) task\(running == 1 ? " runs" : "s run") on the built-in simulator, which stops "
                + "when flux-tui quits; \(running == 1 ? "it" : "they") will not finish."
        } else {
            state.quitting = true
            return [.quit]
        }
        state.overlay = .confirmQuit(ModalDialog(title: "Quit?", message: message, buttons: ["Keep running", "Quit"], kind: .warning))
        return []
    }

    /// "New flux-dev task" for every endpoint: palette entries made from the registry.
    static let newTask: [Action] = EndpointRegistry.all.map { endpoint in
        Action("new:\(endpoint.id)", keys: [], title: "New \(endpoint.id) task", group: "Endpoints") { state in
            state.openForm(endpoint)
            return []
        }
    }
}
