// Single-line text input with a cursor and readline-style editing keys.
//
// Why: forms, filters and the command palette all need the same editing behaviour:
// ←/→, Home/End, Ctrl-A/E (start/end), Ctrl-B/F (char left/right), Alt-B/Alt-F (word left/right),
// Backspace/Delete, Ctrl-D (delete forward), Ctrl-K (kill to end), Ctrl-U (kill to start),
// Ctrl-W (delete word before the cursor), Alt-D (delete word after), pasted text inserted whole.
// Masked mode (API keys) shows one "•" per character and never renders the secret.
//
// Pattern: `handle(_:)` edits and returns a `TextFieldOutcome`; `render(into:in:theme:focused:)`
// draws and, when focused, places the terminal cursor (`ScreenBuffer.cursor`).

/// What a key did to a text field.
public enum TextFieldOutcome: Hashable, Sendable {
    /// Not an editing key; the parent should handle it (Tab, ↑/↓, Esc ...).
    case ignored
    /// The cursor moved; the text is unchanged.
    case handled
    /// The text changed.
    case changed
    /// Enter was pressed.
    case submitted
}

/// Which characters a field accepts.
public enum CharacterFilter: Hashable, Sendable {
    case any
    /// 0-9 and a leading minus.
    case integer
    /// Digits, one ".", a leading minus, exponent "e".
    case decimal

    func accepts(_ c: Character) -> Bool {
        switch self {
        case .any: return true
        case .integer: return c.isASCII && (c.isNumber || c == "-")
        case .decimal: return c.isASCII && (c.isNumber || c == "-" || c == "." || c == "e" || c == "E" || c == "+")
        }
    }
}

/// The editing core shared by `TextField` and `TextArea`: characters plus a cursor index.
public struct LineEditor: Hashable, Sendable {
    public private(set) var chars: [Character]
    /// Cursor position, 0...chars.count.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        chars = Array(text)
        cursor = chars.count
    }

    init(chars: [Character], cursor: Int) {
        self.chars = chars
        self.cursor = Swift.min(Swift.max(0, cursor), chars.count)
    }

    public var text: String {
        get { String(chars) }
        set {
            chars = Array(newValue)
            cursor = chars.count
        }
    }

    public mutating func setCursor(_ i: Int) { cursor = Swift.min(Swift.max(0, i), chars.count) }

    public mutating func insert<S: Sequence>(_ s: S) where S.Element == Character {
        let new = Array(s)
        chars.insert(contentsOf: new, at: cursor)
        cursor += new.count
    }

    static func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// Start of the word before the cursor (Alt-B).
    public func wordStartBefore(_ from: Int) -> Int {
        var i = from
        while i > 0 && !LineEditor.isWordChar(chars[i - 1]) { i -= 1 }
        while i > 0 && LineEditor.isWordChar(chars[i - 1]) { i -= 1 }
        return i
    }

    /// End of the word after the cursor (Alt-F).
    public func wordEndAfter(_ from: Int) -> Int {
        var i = from
        while i < chars.count && !LineEditor.isWordChar(chars[i]) { i += 1 }
        while i < chars.count && LineEditor.isWordChar(chars[i]) { i += 1 }
        return i
    }

    /// Start of the whitespace-delimited word before the cursor (Ctrl-W, like a shell).
    func bigWordStartBefore(_ from: Int) -> Int {
        var i = from
        while i > 0 && chars[i - 1].isWhitespace { i -= 1 }
        while i > 0 && !chars[i - 1].isWhitespace { i -= 1 }
        return i
    }

    /// Applies an editing or movement key. Returns nil when the key is not one of them.
    public mutating func apply(_ key: KeyEvent) -> TextFieldOutcome? {
        switch key {
        case .left, .ctrl("b"):
            if cursor > 0 { cursor -= 1 }
            return .handled
        case .right, .ctrl("f"):
            if cursor < chars.count { cursor += 1 }
            return .handled
        case .home, .ctrl("a"):
            cursor = 0
            return .handled
        case .end, .ctrl("e"):
            cursor = chars.count
            return .handled
        case .alt("b"), .alt("B"):
            cursor = wordStartBefore(cursor)
            return .handled
        case .alt("f"), .alt("F"):
            cursor = wordEndAfter(cursor)
            return .handled
        case .backspace:
            guard cursor > 0 else { return .handled }
            chars.remove(at: cursor - 1)
            cursor -= 1
            return .changed
        case .delete, .ctrl("d"):
            guard cursor < chars.count else { return .handled }
            chars.remove(at: cursor)
            return .changed
        case .ctrl("k"):
            guard cursor < chars.count else { return .handled }
            chars.removeSubrange(cursor...)
            return .changed
        case .ctrl("u"):
            guard cursor > 0 else { return .handled }
            chars.removeSubrange(..<cursor)
            cursor = 0
            return .changed
        case .ctrl("w"):
            let start = bigWordStartBefore(cursor)
            guard start < cursor else { return .handled }
            chars.removeSubrange(start..<cursor)
            cursor = start
            return .changed
        case .alt("d"), .alt("D"):
            let end = wordEndAfter(cursor)
            guard end > cursor else { return .handled }
            chars.removeSubrange(cursor..<end)
            return .changed
        default:
            return nil
        }
    }
}

/// A single-line text input.
public struct TextField: InteractiveWidget, Hashable, Sendable {
    public private(set) var editor: LineEditor
    /// Shown dimmed while the field is empty.
    public var placeholder: String
    /// Shows "•" instead of the characters (secrets).
    public var isMasked: Bool
    /// Maximum number of characters (nil: unlimited).
    public var maxLength: Int?
    public var filter: CharacterFilter

    public init(
        text: String = "", placeholder: String = "", isMasked: Bool = false, maxLength: Int? = nil,
        filter: CharacterFilter = .any
    ) {
        self.editor = LineEditor(text)
        self.placeholder = placeholder
        self.isMasked = isMasked
        self.maxLength = maxLength
        self.filter = filter
    }

    /// The text; setting it puts the cursor at the end.
    public var text: String {
        get { editor.text }
        set { editor.text = DisplayWidth.sanitized(newValue) }
    }

    /// Cursor position in characters.
    public var cursor: Int { editor.cursor }

    public mutating func setCursor(_ i: Int) { editor.setCursor(i) }

    /// The mask character for secrets.
    public static let maskCharacter: Character = "•"

    public mutating func handle(_ key: KeyEvent) -> TextFieldOutcome {
        switch key {
        case .char(let c):
            return insert([c])
        case .paste(let s):
            // One line only: newlines and tabs become spaces, other controls are dropped.
            let cleaned = s.replacingOccurrences(of: "\r\n", with: "\n").compactMap { ch -> Character? in
                if ch == "\n" || ch == "\t" || ch == "\r" { return " " }
                return DisplayWidth.isControl(ch) ? nil : ch
            }
            return insert(cleaned)
        case .enter, .ctrl("j"):
            return .submitted
        default:
            return editor.apply(key) ?? .ignored
        }
    }

    private mutating func insert(_ new: [Character]) -> TextFieldOutcome {
        var accepted = new.filter { filter.accepts($0) && !DisplayWidth.isControl($0) }
        if let maxLength {
            let room = Swift.max(0, maxLength - editor.chars.count)
            accepted = Array(accepted.prefix(room))
        }
        guard !accepted.isEmpty else { return .handled }
        editor.insert(accepted)
        return .changed
    }

    /// The characters as displayed (masked or not).
    private var displayChars: [Character] {
        isMasked ? [Character](repeating: TextField.maskCharacter, count: editor.chars.count) : editor.chars
    }

    /// The first character shown so that the cursor stays visible in `width` columns (one column
    /// is kept for the cursor after the last character).
    static func scrollStart(chars: [Character], cursor: Int, width: Int) -> Int {
        guard width > 1 else { return cursor }
        var start = 0
        var used = 0
        for i in 0..<cursor { used += DisplayWidth.of(chars[i]) }
        // Columns from `start` to the cursor must leave room for the cursor cell.
        while used > width - 1 && start < cursor {
            used -= DisplayWidth.of(chars[start])
            start += 1
        }
        return start
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard area.width > 0, area.height > 0 else { return }
        let line = area.row(0)
        let base: ThemeRole = focused ? .inputFocused : .input
        let style = theme.style(base)
        buffer.fill(line, style: style)
        let chars = displayChars
        if chars.isEmpty {
            if !placeholder.isEmpty {
                buffer.write(
                    DisplayWidth.truncate(placeholder, to: line.width), x: line.x, y: line.y,
                    style: theme.style(.placeholder, on: base), clip: line)
            }
            if focused { buffer.cursor = Point(x: line.x, y: line.y) }
            return
        }
        let start = TextField.scrollStart(chars: chars, cursor: editor.cursor, width: line.width)
        var x = line.x
        var cursorX = line.x
        if start > 0 {
            // Show that text continues to the left.
            buffer.put(DisplayWidth.ellipsis, x: x, y: line.y, style: theme.style(.muted, on: base), clip: line)
        }
        var cut = false
        for i in start..<chars.count {
            if i == editor.cursor { cursorX = x }
            let w = DisplayWidth.of(chars[i])
            if x + w > line.maxX {
                cut = true
                break
            }
            if !(start > 0 && i == start) {
                buffer.put(chars[i], x: x, y: line.y, style: style, clip: line)
            }
            x += w
        }
        if editor.cursor == chars.count { cursorX = x }
        if cut && cursorX < line.maxX - 1 {
            // Show that text continues to the right.
            buffer.put(DisplayWidth.ellipsis, x: line.maxX - 1, y: line.y, style: theme.style(.muted, on: base), clip: line)
        }
        if focused { buffer.cursor = Point(x: Swift.min(cursorX, line.maxX - 1), y: line.y) }
    }
}
