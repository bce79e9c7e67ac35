import TerminalKit

/// The second stop of the dispatcher: a focused text widget takes the keys that edit text
/// (characters, paste, cursor moves, Backspace, Ctrl-A/E/K/U/W …) before any action sees them, so
/// typing "q" in a filter types a q. Keys the widget ignores (Enter, Esc, Tab, ↑/↓, Ctrl-S …) go on
/// to the screen's actions.
enum TextFocus {
    /// Returns the effects when the focused widget took the key, nil when it did not.
    static func handle(_ state: inout AppState, _ key: KeyEvent) -> [AppEffect]? {
        switch state.screen {
        case .picker:
            guard state.picker.isFiltering else { return nil }
            var filter = state.picker.filter
            guard let changed = took(filter.handle(key)) else { return nil }
            if changed { state.picker.setFilter(filter.text) }
            return []
        case .tasks:
            guard state.tasks.isFiltering else { return nil }
            var filter = state.tasks.filter
            guard let changed = took(filter.handle(key)) else { return nil }
            if changed { state.tasks.setFilter(filter.text) }
            return []
        case .form:
            return state.form?.handleFocusedControl(key) == true ? [] : nil
        case .finetunes, .sheet:
            return nil
        case .composer:
            return state.composer.handleFocusedText(key) ? [] : nil
        }
    }

    /// nil: the key was not the field's; else whether the text changed.
    static func took(_ outcome: TextFieldOutcome) -> Bool? {
        switch outcome {
        case .changed: return true
        case .handled: return false
        case .ignored, .submitted: return nil
        }
    }
}
