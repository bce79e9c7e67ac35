// Multi-line text input with soft wrapping (prompts, captions).
//
// Why: long prompts must be readable and editable in place. Lines wrap at word boundaries to the
// field width; ↑/↓ move by displayed rows, keeping the column; the same readline keys as
// `TextField` work within a line (Ctrl-K at the end of a line joins the next one).
// Enter inserts a newline (or submits when `enterInsertsNewline` is false; Ctrl-J always inserts).
//
// Set `wrapWidth` and `viewportHeight` from the layout the view uses (the `Form` does this for
// its fields), so that ↑/↓ and scrolling match what is drawn. Rendering always wraps to the real
// width; the last column is kept for the cursor and a scroll indicator.

/// A multi-line text input.
public struct TextArea: InteractiveWidget, Hashable, Sendable {
    public private(set) var lines: [[Character]]
    /// Cursor line.
    public private(set) var row: Int
    /// Cursor column in characters within `lines[row]`.
    public private(set) var column: Int
    public var placeholder: String
    public var enterInsertsNewline: Bool
    public var maxLength: Int?
    /// Width in columns the text is wrapped to for ↑/↓ (0: unknown, move by whole lines).
    public var wrapWidth: Int
    /// Rows visible at once (0: unknown).
    public var viewportHeight: Int
    /// First visible display row.
    public private(set) var scrollOffset: Int
    private var goalX: Int?

    public init(
        text: String = "", placeholder: String = "", enterInsertsNewline: Bool = true, maxLength: Int? = nil,
        wrapWidth: Int = 0, viewportHeight: Int = 0
    ) {
        self.lines = [[]]
        self.row = 0
        self.column = 0
        self.placeholder = placeholder
        self.enterInsertsNewline = enterInsertsNewline
        self.maxLength = maxLength
        self.wrapWidth = wrapWidth
        self.viewportHeight = viewportHeight
        self.scrollOffset = 0
        self.text = text
    }

    /// The text with "\n" between lines; setting it puts the cursor at the end.
    public var text: String {
        get { lines.map { String($0) }.joined(separator: "\n") }
        set {
            let normalized = newValue.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.map { DisplayWidth.isControl($0) ? " " : $0 }
            }
            if lines.isEmpty { lines = [[]] }
            row = lines.count - 1
            column = lines[row].count
            goalX = nil
            scrollOffset = 0
            scrollToCursor()
        }
    }

    /// Number of characters (newlines count as one).
    public var characterCount: Int { lines.reduce(lines.count - 1) { $0 + $1.count } }

    /// Moves the cursor (clamped).
    public mutating func setCursor(row: Int, column: Int) {
        self.row = Swift.min(Swift.max(0, row), lines.count - 1)
        self.column = Swift.min(Swift.max(0, column), lines[self.row].count)
        goalX = nil
        scrollToCursor()
    }

    // MARK: wrapping

    /// Splits a line into display rows of at most `width` columns, breaking after spaces when
    /// possible. Always returns at least one (possibly empty) range.
    public static func wrap(_ chars: [Character], width: Int) -> [Range<Int>] {
        guard width > 0, !chars.isEmpty else { return [0..<chars.count] }
        var out: [Range<Int>] = []
        var start = 0
        var used = 0
        var lastSpace: Int? = nil
        var i = 0
        while i < chars.count {
            let w = DisplayWidth.of(chars[i])
            if used + w > width && i > start {
                if let sp = lastSpace, sp >= start, sp + 1 < i + 1, sp + 1 > start {
                    out.append(start..<(sp + 1))
                    start = sp + 1
                } else {
                    out.append(start..<i)
                    start = i
                }
                used = 0
                for j in start..<i { used += DisplayWidth.of(chars[j]) }
                lastSpace = nil
                continue
            }
            if chars[i] == " " { lastSpace = i }
            used += w
            i += 1
        }
        out.append(start..<chars.count)
        return out
    }

    /// One display row: which line and which characters of it.
    struct VisualRow: Hashable {
        var line: Int
        var range: Range<Int>
        var isLastOfLine: Bool
    }

    func visualRows(width: Int) -> [VisualRow] {
        var rows: [VisualRow] = []
        for (li, line) in lines.enumerated() {
            let segs = TextArea.wrap(line, width: width)
            for (k, r) in segs.enumerated() {
                rows.append(VisualRow(line: li, range: r, isLastOfLine: k == segs.count - 1))
            }
        }
        return rows
    }

    /// The display row and x of the cursor.
    func cursorVisual(_ rows: [VisualRow]) -> (row: Int, x: Int) {
        for (i, vr) in rows.enumerated() where vr.line == row {
            if (column >= vr.range.lowerBound && column < vr.range.upperBound)
                || (column == vr.range.upperBound && vr.isLastOfLine)
            {
                let x = DisplayWidth.of(String(lines[row][vr.range.lowerBound..<column]))
                return (i, x)
            }
        }
        return (0, 0)
    }

    private var navigationWidth: Int { wrapWidth > 1 ? wrapWidth - 1 : Int.max / 4 }

    private mutating func scrollToCursor() {
        guard viewportHeight > 0 else { return }
        let rows = visualRows(width: navigationWidth)
        let cv = cursorVisual(rows)
        scrollOffset = ListCursor.offset(for: cv.row, count: rows.count, current: scrollOffset, height: viewportHeight)
    }

    /// Moves the cursor by `delta` display rows, keeping the goal column.
    private mutating func moveVertically(_ delta: Int) {
        let rows = visualRows(width: navigationWidth)
        let cv = cursorVisual(rows)
        let goal = goalX ?? cv.x
        let target = Swift.min(Swift.max(0, cv.row + delta), rows.count - 1)
        if target == cv.row {
            // Already on the first/last row: go to the start/end, like most editors.
            column = delta < 0 ? 0 : lines[row].count
            goalX = goal
            return
        }
        let vr = rows[target]
        row = vr.line
        var x = 0
        var col = vr.range.lowerBound
        let end = vr.isLastOfLine ? vr.range.upperBound : Swift.max(vr.range.lowerBound, vr.range.upperBound - 1)
        while col < end {
            let w = DisplayWidth.of(lines[row][col])
            if x + w > goal { break }
            x += w
            col += 1
        }
        column = col
        goalX = goal
    }

    // MARK: keys

    public mutating func handle(_ key: KeyEvent) -> TextFieldOutcome {
        let result = apply(key)
        if result != .ignored { scrollToCursor() }
        return result
    }

    private var isFull: Bool { maxLength.map { characterCount >= $0 } ?? false }

    private mutating func apply(_ key: KeyEvent) -> TextFieldOutcome {
        switch key {
        case .char(let c):
            guard !isFull, !DisplayWidth.isControl(c) else { return .handled }
            lines[row].insert(c, at: column)
            column += 1
            goalX = nil
            return .changed
        case .paste(let s):
            return insertText(s)
        case .enter where !enterInsertsNewline:
            return .submitted
        case .enter, .ctrl("j"):
            guard !isFull else { return .handled }
            splitLine()
            return .changed
        case .up:
            moveVertically(-1)
            return .handled
        case .down:
            moveVertically(1)
            return .handled
        case .pageUp:
            moveVertically(-Swift.max(1, viewportHeight - 1))
            return .handled
        case .pageDown:
            moveVertically(Swift.max(1, viewportHeight - 1))
            return .handled
        case .left, .ctrl("b"):
            goalX = nil
            if column > 0 {
                column -= 1
            } else if row > 0 {
                row -= 1
                column = lines[row].count
            }
            return .handled
        case .right, .ctrl("f"):
            goalX = nil
            if column < lines[row].count {
                column += 1
            } else if row < lines.count - 1 {
                row += 1
                column = 0
            }
            return .handled
        case .backspace:
            goalX = nil
            if column == 0 {
                guard row > 0 else { return .handled }
                let moved = lines.remove(at: row)
                row -= 1
                column = lines[row].count
                lines[row].append(contentsOf: moved)
                return .changed
            }
            lines[row].remove(at: column - 1)
            column -= 1
            return .changed
        case .delete, .ctrl("d"):
            goalX = nil
            if column == lines[row].count {
                guard row < lines.count - 1 else { return .handled }
                let next = lines.remove(at: row + 1)
                lines[row].append(contentsOf: next)
                return .changed
            }
            lines[row].remove(at: column)
            return .changed
        case .ctrl("k") where column == lines[row].count:
            goalX = nil
            guard row < lines.count - 1 else { return .handled }
            let next = lines.remove(at: row + 1)
            lines[row].append(contentsOf: next)
            return .changed
        default:
            // Line-local editing keys (Home/End, Ctrl-A/E/K/U/W, Alt-B/F/D).
            var editor = LineEditor(chars: lines[row], cursor: column)
            guard let outcome = editor.apply(key) else { return .ignored }
            lines[row] = editor.chars
            column = editor.cursor
            goalX = nil
            return outcome
        }
    }

    private mutating func splitLine() {
        let rest = Array(lines[row][column...])
        lines[row].removeSubrange(column...)
        lines.insert(rest, at: row + 1)
        row += 1
        column = 0
        goalX = nil
    }

    private mutating func insertText(_ s: String) -> TextFieldOutcome {
        let normalized = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var changed = false
        for ch in normalized {
            if isFull { break }
            if ch == "\n" {
                splitLine()
            } else if ch == "\t" {
                lines[row].insert(" ", at: column)
                column += 1
            } else if DisplayWidth.isControl(ch) {
                continue
            } else {
                lines[row].insert(ch, at: column)
                column += 1
            }
            changed = true
        }
        goalX = nil
        return changed ? .changed : .handled
    }

    // MARK: rendering

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard area.width > 0, area.height > 0 else { return }
        let base: ThemeRole = focused ? .inputFocused : .input
        let style = theme.style(base)
        buffer.fill(area, style: style)
        let textWidth = area.width > 1 ? area.width - 1 : 1
        if lines.count == 1 && lines[0].isEmpty {
            let placeholderStyle = theme.style(.placeholder, on: base)
            for (i, l) in DisplayWidth.wrap(placeholder, width: textWidth).prefix(area.height).enumerated() {
                buffer.write(l, x: area.x, y: area.y + i, style: placeholderStyle, clip: area)
            }
            if focused { buffer.cursor = area.origin }
            return
        }
        let rows = visualRows(width: textWidth)
        let cv = cursorVisual(rows)
        let offset = ListCursor.offset(for: cv.row, count: rows.count, current: scrollOffset, height: area.height)
        let end = Swift.min(rows.count, offset + area.height)
        for i in offset..<end {
            let vr = rows[i]
            buffer.write(String(lines[vr.line][vr.range]), x: area.x, y: area.y + i - offset, style: style, clip: area)
        }
        if rows.count > area.height, area.width > 1 {
            drawScrollbar(
                into: &buffer, in: Rect(x: area.maxX - 1, y: area.y, width: 1, height: area.height),
                total: rows.count, visible: offset..<end, theme: theme)
        }
        if focused {
            buffer.cursor = Point(x: area.x + Swift.min(cv.x, area.width - 1), y: area.y + cv.row - offset)
        }
    }
}
