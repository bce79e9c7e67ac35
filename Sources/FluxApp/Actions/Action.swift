import TerminalKit

/// One thing the user can do, as data: the keys that do it, what help, the palette and footer hints
/// call it, when it cannot be done (and why), and what it does.
///
/// Why records and not `switch key`: help, the `:` palette, footer hints, `[keys]` in config.toml
/// and the dispatcher all read the same list, so what a key does and what the app says it does
/// cannot drift (after lazygit's `GetKeybindings`). `run` only changes state and returns effects;
/// it never waits (after Bubble Tea's update).
public struct Action: Sendable {
    /// Stable name, used in config.toml's `[keys]` (`rerun = ["r", "F5"]`). Actions that mean the same
    /// on several screens (`filter`, `back`) share it, so one setting rebinds them all.
    public let id: String
    /// The default keys; `KeyBindings` replaces them with the ones configured.
    public let keys: [KeyEvent]
    /// What help shows in the key column instead of the key names ("↑/↓ j/k"); nil: the names.
    public let keyLabel: String?
    /// Short title for the palette and footer hints ("Rerun with the same seed").
    public let title: String
    /// Heading the help overlay lists it under.
    public let group: String
    /// A word or two for the screen's footer hint line ("submit"); nil: not in the footer.
    public let hint: String?
    /// Whether the palette offers it (moving a cursor by one row from a palette makes no sense).
    public let inPalette: Bool
    /// False where the action does not apply at all (another action then gets the key: Tab completes
    /// a path in a path field and moves focus elsewhere).
    let isAvailable: @Sendable (AppState) -> Bool
    /// Non-nil where the action applies but cannot run now; the key then shows this reason.
    let disabledReason: @Sendable (AppState) -> String?
    let perform: @Sendable (inout AppState) -> [AppEffect]

    public init(_ id: String, keys: [KeyEvent], keyLabel: String? = nil, title: String, group: String, hint: String? = nil,
                inPalette: Bool = true,
                when isAvailable: @escaping @Sendable (AppState) -> Bool = { _ in true },
                disabledReason: @escaping @Sendable (AppState) -> String? = { _ in nil },
                run perform: @escaping @Sendable (inout AppState) -> [AppEffect]) {
        self.id = id
        self.keys = keys
        self.keyLabel = keyLabel
        self.title = title
        self.group = group
        self.hint = hint
        self.inPalette = inPalette
        self.isAvailable = isAvailable
        self.disabledReason = disabledReason
        self.perform = perform
    }

    public func available(in state: AppState) -> Bool { isAvailable(state) }
    public func whyDisabled(in state: AppState) -> String? { disabledReason(state) }

    /// Runs the action, or says why it cannot run (a warning toast) instead of doing nothing.
    public func run(_ state: inout AppState) -> [AppEffect] {
        if let why = disabledReason(state) {
            state.toast("\(title): \(why)", .warning)
            return []
        }
        return perform(&state)
    }
}
