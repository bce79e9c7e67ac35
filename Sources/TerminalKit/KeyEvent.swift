// Input events, independent of ncurses key codes.
//
// Why: the app and every widget match on these values, so the same code runs against the real
// terminal (CursesBackend decodes into them) and in tests (HeadlessBackend injects them).
// Ctrl-I, Ctrl-M and Ctrl-H arrive from terminals as Tab, Enter and Backspace, so backends report
// them that way and `.ctrl` never carries "i", "m" or "h". Ctrl-J (line feed) stays `.ctrl("j")`:
// multi-line fields use it to insert a newline when Enter submits.

/// A mouse event (optional; backends may never send any, e.g. when mouse support is off).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Buttons are numbered as terminals report them: 0 left, 1 middle, 2 right.
        case press(button: Int)
        case release(button: Int)
        case scrollUp
        case scrollDown
    }
    public var kind: Kind
    /// The screen cell under the pointer (0-based, like everything drawn).
    public var position: Point
    public init(kind: Kind, position: Point) {
        self.kind = kind
        self.position = position
    }
}

/// One input event.
public enum KeyEvent: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (already decoded from UTF-8; may be a whole grapheme cluster).
    case char(Character)
    /// Ctrl plus a letter (lowercase "a"..."z"), or another control combination such as Ctrl-Space
    /// (reported as " ").
    case ctrl(Character)
    /// Alt (Meta) plus a character, sent by terminals as ESC followed by the character.
    case alt(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case tab
    /// Shift-Tab.
    case backTab
    case enter
    case escape
    case backspace
    case delete
    case insert
    /// F1...F24.
    case function(Int)
    /// Text pasted while bracketed paste was on: arrives whole, never interpreted as keys.
    case paste(String)
    /// The terminal now has this size.
    case resize(width: Int, height: Int)
    case mouse(MouseEvent)

    /// A short human name, as shown in help overlays: "q", "Ctrl-A", "Alt-B", "↑", "PgDn", "F5".
    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(" "): return "Ctrl-Space"
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .alt(let c): return "Alt-" + String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .insert: return "Insert"
        case .function(let n): return "F\(n)"
        case .paste: return "Paste"
        case .resize(let w, let h): return "Resize(\(w)x\(h))"
        case .mouse: return "Mouse"
        }
    }

    /// The typed character, if this is a plain printable key.
    public var character: Character? {
        if case .char(let c) = self { return c }
        return nil
    }

    /// Builds the event for a control byte (0x00...0x1F, 0x7F) as terminals send it.
    public static func fromControlByte(_ byte: UInt8) -> KeyEvent? {
        switch byte {
        case 0x09: return .tab
        case 0x0D: return .enter
        case 0x08, 0x7F: return .backspace
        case 0x1B: return .escape
        case 0x00: return .ctrl(" ")
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(byte + 0x60)))
        case 0x1C: return .ctrl("\\")
        case 0x1D: return .ctrl("]")
        case 0x1E: return .ctrl("^")
        case 0x1F: return .ctrl("_")
        default: return nil
        }
    }
}

/// A key binding as shown in the help overlay (and usable for matching).
public struct KeyBinding: Hashable, Sendable {
    /// The keys that trigger it (may be empty for a documentation-only entry).
    public var keys: [KeyEvent]
    /// What the help overlay shows in the key column; defaults to the keys' names joined by "/".
    public var label: String
    public var description: String
    /// Heading the binding is listed under ("Global", "List", "Form" ...).
    public var group: String

    public init(keys: [KeyEvent], label: String? = nil, description: String, group: String = "General") {
        self.keys = keys
        self.label = label ?? keys.map(\.description).joined(separator: "/")
        self.description = description
        self.group = group
    }

    public init(_ key: KeyEvent, _ description: String, group: String = "General") {
        self.init(keys: [key], description: description, group: group)
    }

    public func matches(_ event: KeyEvent) -> Bool { keys.contains(event) }
}
