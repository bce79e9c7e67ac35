import TerminalKit

/// Where a key goes, in order: the overlay (its actions, then its widget), the focused text widget,
/// the screen's actions, the global actions. The first available action bound to the key runs.
enum Dispatcher {
    static func dispatch(_ state: inout AppState, _ key: KeyEvent) -> [AppEffect] {
        if state.overlay != nil {
            if let action = firstAction(for: key, in: OverlayActions.all, state) { return action.run(&state) }
            return OverlayActions.widgetKey(&state, key)
        }
        if let effects = TextFocus.handle(&state, key) { return effects }
        if let action = firstAction(for: key, in: ActionCatalog.actions(for: state.screen), state) { return action.run(&state) }
        if let action = firstAction(for: key, in: GlobalActions.all, state, keys: { ActionCatalog.globalKeys($0, in: state) }) {
            return action.run(&state)
        }
        return []
    }

    static func firstAction(for key: KeyEvent, in actions: [Action], _ state: AppState,
                            keys filter: ([KeyEvent]) -> [KeyEvent] = { $0 }) -> Action? {
        actions.first { filter(state.keyBindings.keys(for: $0)).contains(key) && $0.available(in: state) }
    }
}
