import TerminalKit

/// The text `flux-tui keys` prints: per screen, each action's id (the name `[keys]` uses), its keys
/// in force and its title.
public enum ActionListing {
    public static func lines(_ bindings: KeyBindings) -> [String] {
        var out: [String] = []
        for scope in ActionCatalog.scopes {
            out.append("\(scope.name):")
            let width = scope.actions.map(\.id.count).max() ?? 0
            for action in scope.actions {
                let keys = bindings.keys(for: action).map(\.description).joined(separator: " ")
                let id = action.id.padding(toLength: width, withPad: " ", startingAt: 0)
                out.append("  \(id)  \(keys.isEmpty ? "(palette)" : keys)  \(action.title)")
            }
        }
        return out
    }
}
