import TerminalKit

/// Every action list in one place, and what is generated from them: the help overlay, the `:`
/// palette and the footer hints.
enum ActionCatalog {
    /// The actions of a screen, in the order the dispatcher tries them (the first available one
    /// bound to a key wins).
    static func actions(for screen: Screen) -> [Action] {
        switch screen {
        case .picker: return PickerActions.all
        case .form: return FormActions.all
        case .tasks: return TaskListActions.all
        case .finetunes: return FinetunesActions.all
        case .composer: return ComposerActions.all
        case .sheet: return ContactSheetActions.all
        }
    }

    /// Named groups of actions that are dispatched together: each screen with the global ones,
    /// and the overlays. Config checks look for clashes within a scope.
    static var scopes: [(name: String, actions: [Action])] {
        Screen.allCases.map { ($0.rawValue, actions(for: $0) + GlobalActions.all) } + [("overlays", OverlayActions.all)]
    }

    /// Every action id a config file may name.
    static var knownIDs: Set<String> { Set(scopes.flatMap { $0.actions.map(\.id) }) }

    /// The keys of a global action that work in `state`. On the form and the composer printable
    /// keys belong to the fields, so only other keys (F1, Ctrl-C) work there, and `?` too while the
    /// focus is not on a text field.
    static func globalKeys(_ keys: [KeyEvent], in state: AppState) -> [KeyEvent] {
        guard state.screen.typesText else { return keys }
        return keys.filter { $0.character == nil || ($0 == .char("?") && !state.focusIsText) }
    }

    // MARK: help

    static func help(for state: AppState) -> HelpOverlay {
        let bindings = state.keyBindings
        func binding(_ action: Action, keys: [KeyEvent]) -> KeyBinding? {
            guard !keys.isEmpty else { return nil }
            let label = bindings.isDefault(action) ? action.keyLabel : nil
            return KeyBinding(keys: keys, label: label, description: action.title, group: action.group)
        }
        let screen = actions(for: state.screen).compactMap { binding($0, keys: bindings.keys(for: $0)) }
        let global = GlobalActions.all.compactMap { binding($0, keys: globalKeys(bindings.keys(for: $0), in: state)) }
        let overlays = OverlayActions.all.compactMap { binding($0, keys: bindings.keys(for: $0)) }
        return HelpOverlay(title: state.screen.helpTitle, bindings: screen + global + overlays)
    }

    // MARK: palette

    /// The palette: this screen's actions, the global ones and a "New … task" per endpoint. An
    /// action that cannot run now is listed with the reason (running it says why).
    static func palette(for state: AppState) -> SelectableList {
        var items: [ListItem] = []
        func add(_ action: Action, scope: String) {
            guard action.inPalette, action.available(in: state) else { return }
            let keys = state.keyBindings.keys(for: action).map(\.description).joined(separator: "/")
            if let why = action.whyDisabled(in: state) {
                items.append(ListItem(id: "\(scope):\(action.id)", title: action.title, detail: why, role: .muted))
            } else {
                items.append(ListItem(id: "\(scope):\(action.id)", title: action.title, detail: keys))
            }
        }
        for action in actions(for: state.screen) { add(action, scope: "screen") }
        for action in GlobalActions.all { add(action, scope: "global") }
        for action in GlobalActions.newTask { add(action, scope: "new") }
        var list = SelectableList(items: items, title: "Command", filterable: true)
        _ = list.handle(.char("/"))
        return list
    }

    /// Runs the palette entry `id` ("screen:rerun", "global:quit", "new:new:flux-dev").
    static func runFromPalette(_ state: inout AppState, id: String) -> [AppEffect] {
        guard let colon = id.firstIndex(of: ":") else { return [] }
        let scope = id[..<colon]
        let actionID = String(id[id.index(after: colon)...])
        let list: [Action]
        switch scope {
        case "screen": list = actions(for: state.screen)
        case "global": list = GlobalActions.all
        case "export": list = ExportActions.formats
        default: list = GlobalActions.newTask
        }
        return list.first { $0.id == actionID }?.run(&state) ?? []
    }

    // MARK: footer

    /// "Ctrl-S submit · Ctrl-P preview JSON · Esc back": the screen's hinted actions that apply now,
    /// with the keys in force.
    static func hints(for state: AppState) -> String {
        let bindings = state.keyBindings
        var parts: [String] = []
        var seen: Set<String> = []
        for action in actions(for: state.screen) + GlobalActions.all {
            guard let hint = action.hint, action.available(in: state), seen.insert(hint).inserted else { continue }
            var keys = bindings.keys(for: action)
            if GlobalActions.all.contains(where: { $0.id == action.id }) { keys = globalKeys(keys, in: state) }
            guard let key = keys.first else { continue }
            parts.append("\(key) \(hint)")
        }
        return parts.joined(separator: " · ")
    }
}

extension Screen {
    var helpTitle: String {
        switch self {
        case .picker: return "Endpoint picker keys"
        case .form: return "Form keys"
        case .tasks: return "Task list keys"
        case .finetunes: return "Fine-tunes keys"
        case .composer: return "Composer keys"
        case .sheet: return "Contact sheet keys"
        }
    }

    /// Screens where printable keys are typed into fields.
    var typesText: Bool { self == .form || self == .composer }
}

extension AppState {
    /// Whether the focus is on a field that takes typed text.
    var focusIsText: Bool {
        switch screen {
        case .picker: return picker.isFiltering
        case .tasks: return tasks.isFiltering
        case .finetunes, .sheet: return false
        case .form: return form.map { !$0.submitFocused && $0.form.focusIsText } ?? false
        case .composer: return composer.caption != nil || composer.focus == .path
            || (composer.focus == .fields && composer.form.form.focusIsText)
        }
    }
}
