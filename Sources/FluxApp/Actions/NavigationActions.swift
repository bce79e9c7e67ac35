import TerminalKit

/// Cursor moves shared by every list screen: the same keys and help everywhere, one record each.
enum NavigationActions {
    /// Move/jump actions over the list that `cursor` reaches in the state.
    static func list(_ group: String, cursor: WritableKeyPath<AppState, ListCursor> & Sendable,
                     when isAvailable: @escaping @Sendable (AppState) -> Bool = { _ in true }) -> [Action] {
        func move(_ change: @escaping @Sendable (inout ListCursor) -> Void) -> @Sendable (inout AppState) -> [AppEffect] {
            { state in
                change(&state[keyPath: cursor])
                return []
            }
        }
        return [
            Action("move-down", keys: [.down, .char("j")], keyLabel: "↓/j", title: "Move down", group: group, inPalette: false,
                   when: isAvailable, run: move { $0.move(by: 1) }),
            Action("move-up", keys: [.up, .char("k")], keyLabel: "↑/k", title: "Move up", group: group, inPalette: false,
                   when: isAvailable, run: move { $0.move(by: -1) }),
            Action("page-down", keys: [.pageDown, .ctrl("d")], keyLabel: "PgDn/Ctrl-D", title: "Page down", group: group,
                   inPalette: false, when: isAvailable, run: move { $0.move(by: $0.pageSize) }),
            Action("page-up", keys: [.pageUp, .ctrl("u")], keyLabel: "PgUp/Ctrl-U", title: "Page up", group: group,
                   inPalette: false, when: isAvailable, run: move { $0.move(by: -$0.pageSize) }),
            Action("first", keys: [.home, .char("g")], keyLabel: "Home/g", title: "First row", group: group,
                   when: isAvailable, run: move { $0.select(0) }),
            Action("last", keys: [.end, .char("G")], keyLabel: "End/G", title: "Last row", group: group,
                   when: isAvailable, run: move { $0.select($0.count - 1) }),
        ]
    }
}
