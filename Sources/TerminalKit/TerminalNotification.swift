// Desktop notifications through the terminal: OSC 777 (`notify;title;body`: VTE terminals, foot,
// Ghostty, WezTerm), OSC 9 (body only: iTerm2, Windows Terminal, WezTerm, Ghostty, kitty), or the
// bell where neither is known to work.
//
// Why here: what the bytes are is pure and worth testing without a terminal; backends only write
// them. Text may come from a server (a failure reason), so every control character is dropped
// before it goes into an escape sequence (an ESC or BEL inside would end the sequence and let the
// rest drive the terminal), `;` is replaced where OSC 777 uses it to separate fields, and text is
// capped. Inside tmux the sequence is wrapped for passthrough (`ESC P tmux; … ESC \`, every ESC
// doubled); tmux 3.3+ forwards it when `allow-passthrough` is on. The bell needs no wrapping.

/// How to notify.
public enum NotificationStyle: String, Sendable, CaseIterable {
    case osc9
    case osc777
    case bell
    case off

    /// The best guess for the terminal these variables describe (`notify = auto`).
    public static func detect(_ environment: [String: String]) -> NotificationStyle {
        let program = environment["TERM_PROGRAM"] ?? ""
        let terminal = environment["LC_TERMINAL"] ?? ""
        if environment["VTE_VERSION"] != nil || (environment["TERM"] ?? "").hasPrefix("foot") { return .osc777 }
        if ["ghostty", "WezTerm"].contains(program) { return .osc777 }
        if ["iTerm.app", "vscode"].contains(program) || terminal == "iTerm2" || environment["WT_SESSION"] != nil
            || environment["KITTY_WINDOW_ID"] != nil {
            return .osc9
        }
        return .bell
    }
}

/// One notification, ready to be written to the terminal.
public struct TerminalNotification: Equatable, Sendable {
    public var title: String
    public var body: String

    public init(title: String, body: String) {
        self.title = title
        self.body = body
    }

    /// Longest title or body sent (terminals show a line or two).
    static let maxLength = 200

    /// The bytes to write for `style`; `insideTmux` wraps escape sequences for tmux's passthrough.
    public func bytes(_ style: NotificationStyle, insideTmux: Bool) -> [UInt8] {
        let sequence: String
        switch style {
        case .off: return []
        case .bell: return [0x07]
        case .osc9: sequence = "\u{1B}]9;\(Self.clean(title)): \(Self.clean(body))\u{07}"
        case .osc777: sequence = "\u{1B}]777;notify;\(Self.clean(title, separator: true));\(Self.clean(body, separator: true))\u{07}"
        }
        guard insideTmux else { return Array(sequence.utf8) }
        return Array(("\u{1B}Ptmux;" + sequence.replacingEscapes() + "\u{1B}\\").utf8)
    }

    /// Text safe inside an OSC string: no control characters (C0, DEL, C1), `;` replaced where it
    /// would start a new field, at most `maxLength` characters.
    static func clean(_ text: String, separator: Bool = false) -> String {
        var out = ""
        for character in text {
            if character.unicodeScalars.contains(where: { DisplayWidth.isControl(scalarValue: $0.value) }) {
                out.append(" ")
            } else {
                out.append(separator && character == ";" ? "," : character)
            }
            if out.count >= maxLength { break }
        }
        return out
    }
}

private extension String {
    /// Every ESC doubled, as tmux's passthrough wants.
    func replacingEscapes() -> String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar == "\u{1B}" { out.unicodeScalars.append(scalar) }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
