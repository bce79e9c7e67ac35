// Key names as people write them in config files ("Q", "Ctrl-S", "F5", "PgDn", "Shift-Tab").
//
// Why: `[keys]` in config.toml rebinds actions by name; the names are the ones help shows
// (`KeyEvent.description`), so a key can be copied from the help overlay into the file.

extension KeyEvent {
    /// Parses a key name; nil when it is not one. Named keys ignore case ("esc", "Esc"); a single
    /// character is itself ("Q" is Shift-q).
    public init?(name raw: String) {
        if raw == " " {
            self = .char(" ")
            return
        }
        let name = String(raw.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        guard !name.isEmpty else { return nil }
        let lower = name.lowercased()
        if let named = KeyEvent.named[lower] {
            self = named
            return
        }
        if name.count == 1, let c = name.first {
            guard !DisplayWidth.isControl(c) else { return nil }
            self = .char(c)
            return
        }
        for (prefix, isCtrl) in [("ctrl-", true), ("ctrl+", true), ("c-", true), ("alt-", false), ("alt+", false), ("m-", false)]
        where lower.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard rest.count == 1, let c = rest.first, !DisplayWidth.isControl(c) else { return nil }
            if isCtrl {
                // Terminals send Ctrl-I, Ctrl-M and Ctrl-H as Tab, Enter and Backspace.
                let letter = Character(c.lowercased())
                guard letter != "i", letter != "m", letter != "h" else { return nil }
                self = .ctrl(letter)
            } else {
                self = .alt(c)
            }
            return
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...24).contains(n) {
            self = .function(n)
            return
        }
        return nil
    }

    private static let named: [String: KeyEvent] = [
        "space": .char(" "), "up": .up, "↑": .up, "down": .down, "↓": .down, "left": .left, "←": .left, "right": .right, "→": .right,
        "home": .home, "end": .end, "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
        "tab": .tab, "shift-tab": .backTab, "backtab": .backTab, "enter": .enter, "return": .enter, "esc": .escape,
        "escape": .escape, "backspace": .backspace, "delete": .delete, "del": .delete, "insert": .insert, "ctrl-space": .ctrl(" "),
    ]
}
