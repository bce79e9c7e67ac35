// A frame: a width x height grid of cells that views draw into and the backend paints.
//
// Why: views stay pure (state in, buffer out) and testable headless; `diff(from:)` lets the
// backend touch only the cells that changed, so an idle app sends nothing to the terminal.
// All drawing clips to the buffer (and to an optional clip rectangle): drawing outside is a no-op,
// never a crash, which keeps tiny terminals safe.

/// A run of consecutive changed cells on one row, as produced by `ScreenBuffer.diff(from:)`.
public struct CellRun: Hashable, Sendable {
    /// Column of the first cell (always a normal cell, never a continuation).
    public var x: Int
    public var y: Int
    public var cells: [Cell]
    public init(x: Int, y: Int, cells: [Cell]) {
        self.x = x
        self.y = y
        self.cells = cells
    }
    /// The text of the run (continuation cells skipped).
    public var text: String { String(cells.filter { !$0.isContinuation }.map(\.character)) }
}

/// What changed between two frames.
public struct ScreenDiff: Hashable, Sendable {
    /// True when the whole screen must be repainted (first frame or size change).
    public var isFullRepaint: Bool
    public var runs: [CellRun]
    /// True when nothing needs painting.
    public var isEmpty: Bool { !isFullRepaint && runs.isEmpty }
    /// Number of cells to paint.
    public var cellCount: Int { runs.reduce(0) { $0 + $1.cells.count } }
}

public struct ScreenBuffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// Row-major cells.
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown (e.g. in a focused text field); nil hides it.
    public var cursor: Point?

    public init(width: Int, height: Int, style: Style = .plain) {
        self.width = Swift.max(0, width)
        self.height = Swift.max(0, height)
        self.cells = [Cell](repeating: .blank(style), count: self.width * self.height)
        self.cursor = nil
    }

    public init(size: Size, style: Style = .plain) {
        self.init(width: size.width, height: size.height, style: style)
    }

    public var size: Size { Size(width: width, height: height) }
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at (x, y); a blank cell when out of bounds.
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank() }
        return cells[y * width + x]
    }

    // MARK: drawing

    /// Puts one character at (x, y), keeping wide characters whole: a wide character that does not
    /// fit inside `clip` is replaced by a space, and any wide character partly overwritten is
    /// blanked. Returns the number of columns used (0 when nothing was drawn).
    @discardableResult
    public mutating func put(_ character: Character, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
        let area = clip.map { $0.intersection(bounds) } ?? bounds
        guard y >= area.y, y < area.maxY, x >= area.x, x < area.maxX else { return 0 }
        var ch = character
        if DisplayWidth.isControl(ch) { ch = " " }
        var w = DisplayWidth.of(ch)
        if w == 0 { return 0 }  // a lone zero-width cluster has nothing to show
        if w == 2 && x + 1 >= area.maxX {
            ch = " "
            w = 1
        }
        clearWide(x: x, y: y)
        if w == 2 { clearWide(x: x + 1, y: y) }
        let i = y * width + x
        cells[i] = Cell(ch, width: w, style: style)
        if w == 2 { cells[i + 1] = .continuation(style) }
        return w
    }

    /// Before overwriting (x, y): if it is half of a wide character, blank the other half.
    private mutating func clearWide(x: Int, y: Int) {
        guard x >= 0, x < width else { return }
        let i = y * width + x
        let c = cells[i]
        if c.isContinuation, x > 0 {
            cells[i - 1] = .blank(cells[i - 1].style)
        } else if c.width == 2, x + 1 < width {
            cells[i + 1] = .blank(c.style)
        }
        cells[i] = .blank(c.style)
    }

    /// Writes text on one row starting at (x, y), clipped to `clip` (default: the whole buffer)
    /// and to `maxWidth` columns. Control characters become spaces. Returns the columns advanced.
    @discardableResult
    public mutating func write(
        _ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil, maxWidth: Int? = nil
    ) -> Int {
        var area = clip.map { $0.intersection(bounds) } ?? bounds
        if let maxWidth {
            area = area.intersection(Rect(x: x, y: y, width: maxWidth, height: 1))
        }
        guard y >= area.y, y < area.maxY else { return 0 }
        if let used = writeASCII(text, x: x, y: y, style: style, area: area, truncatingTo: nil) { return used }
        if let count = DisplayWidth.simpleWidth(text, rejectingControls: true) {
            return writeSimple(text, count: count, x: x, y: y, style: style, area: area)
        }
        var cx = x
        for ch in text {
            if cx >= area.maxX { break }
            let w = DisplayWidth.isControl(ch) ? 1 : DisplayWidth.of(ch)
            if w == 0 { continue }
            if cx >= area.x {
                put(ch, x: cx, y: y, style: style, clip: area)
            } else if cx + w > area.x {
                // Left half of a wide character is clipped away: show a space in the visible half.
                put(" ", x: area.x, y: y, style: style, clip: area)
            }
            cx += w
        }
        return cx - x
    }

    /// Writes text cut to `columns` columns, the last one "…" when anything was cut (as
    /// `DisplayWidth.truncate`), without padding. Returns the columns advanced.
    @discardableResult
    public mutating func write(
        _ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil, truncatingTo columns: Int
    ) -> Int {
        let area = (clip.map { $0.intersection(bounds) } ?? bounds)
            .intersection(Rect(x: x, y: y, width: Swift.max(0, columns), height: 1))
        guard y >= area.y, y < area.maxY else { return 0 }
        if let used = writeASCII(text, x: x, y: y, style: style, area: area, truncatingTo: columns) { return used }
        if let count = DisplayWidth.simpleWidth(text, rejectingControls: true), count <= columns {
            // Fits as it is (a status with a symbol, a dash): no cutting, no second measuring.
            return writeSimple(text, count: count, x: x, y: y, style: style, area: area)
        }
        return write(DisplayWidth.truncate(text, to: columns), x: x, y: y, style: style, clip: area)
    }

    /// Before a run of one-column cells replaces columns `from..<to` of row `y`: blanks the other
    /// halves of wide characters the run cuts at either end. False when the run is empty.
    private mutating func openRun(from: Int, to: Int, y: Int) -> Bool {
        guard from < to else { return false }
        clearWide(x: from, y: y)
        clearWide(x: to - 1, y: y)
        return true
    }

    /// Text of `count` simple scalars (see `DisplayWidth.simpleWidth`): one cell per scalar. Only
    /// wide characters at the two ends of the run can be cut, so only those are cleared, as
    /// `fill` does.
    private mutating func writeSimple(_ text: String, count: Int, x: Int, y: Int, style: Style, area: Rect) -> Int {
        let from = Swift.max(x, area.x)
        let to = Swift.min(x + count, area.maxX)
        if openRun(from: from, to: to, y: y) {
            let base = y * width
            var column = x
            for scalar in text.unicodeScalars {
                if column >= to { break }
                if column >= from { cells[base + column] = Cell(scalar: scalar, width: 1, style: style) }
                column += 1
            }
        }
        return Swift.max(0, Swift.min(count, area.maxX - x))
    }

    /// Printable ASCII (most of what views draw): one cell per byte, read straight from the
    /// string's storage, cut with "…" past `limit` columns. Nil for any other text, which the
    /// general paths handle. `area` is already clipped to the buffer.
    private mutating func writeASCII(_ text: String, x: Int, y: Int, style: Style, area: Rect, truncatingTo limit: Int?) -> Int? {
        let written = text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            for b in bytes where b < 0x20 || b >= 0x7F { return nil }
            var count = bytes.count
            var ellipsis = false
            if let limit, count > limit {
                count = Swift.max(0, limit - 1)
                ellipsis = limit > 0
            }
            let total = count + (ellipsis ? 1 : 0)
            let from = Swift.max(x, area.x)
            let to = Swift.min(x + total, area.maxX)
            if openRun(from: from, to: to, y: y) {
                let base = y * width
                let textEnd = Swift.min(to, x + count)
                var column = from
                while column < textEnd {
                    cells[base + column] = Cell(rawContent: UInt32(bytes[column - x]), width: 1, style: style)
                    column += 1
                }
                if column < to { cells[base + column] = Cell(rawContent: 0x2026, width: 1, style: style) }  // "…"
            }
            return Swift.max(0, Swift.min(total, area.maxX - x))
        }
        return written ?? nil
    }

    /// Writes text truncated with "…" to fit `rect` (first row), padded with spaces to the full
    /// width, aligned as asked. Handy for list rows and labels.
    public mutating func writeLine(
        _ text: String, in rect: Rect, style: Style, alignment: DisplayWidth.Alignment = .left
    ) {
        guard rect.height > 0, rect.width > 0 else { return }
        fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: style)
        if alignment == .left {
            write(DisplayWidth.sanitized(text), x: rect.x, y: rect.y, style: style, clip: rect.row(0), truncatingTo: rect.width)
            return
        }
        let line = DisplayWidth.fit(DisplayWidth.sanitized(text), to: rect.width, alignment: alignment)
        write(line, x: rect.x, y: rect.y, style: style, clip: rect.row(0))
    }

    /// Fills a rectangle with a character (space by default) in a style.
    public mutating func fill(_ rect: Rect, style: Style, character: Character = " ") {
        let r = rect.intersection(bounds)
        if r.isEmpty { return }
        let w = DisplayWidth.of(character)
        if w == 1 && !DisplayWidth.isControl(character) {
            // Fast path: whole cells, but keep wide characters at the edges consistent.
            for yy in r.y..<r.maxY {
                clearWide(x: r.x, y: yy)
                clearWide(x: r.maxX - 1, y: yy)
                let base = yy * width
                let cell = Cell(character, width: 1, style: style)
                for xx in r.x..<r.maxX { cells[base + xx] = cell }
            }
        } else {
            for yy in r.y..<r.maxY {
                var xx = r.x
                while xx < r.maxX {
                    let used = put(character, x: xx, y: yy, style: style, clip: r)
                    xx += Swift.max(1, used)
                }
            }
        }
    }

    /// Changes the style of every cell in `rect` without touching the characters (e.g. to dim
    /// the screen behind a dialog or to highlight a selected row).
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let r = rect.intersection(bounds)
        if r.isEmpty { return }
        for yy in r.y..<r.maxY {
            for xx in r.x..<r.maxX {
                cells[yy * width + xx].style = transform(cells[yy * width + xx].style)
            }
        }
    }

    /// Box-drawing characters for borders.
    public struct BorderGlyphs: Hashable, Sendable {
        public var horizontal: Character
        public var vertical: Character
        public var topLeft: Character
        public var topRight: Character
        public var bottomLeft: Character
        public var bottomRight: Character
        public init(
            horizontal: Character, vertical: Character, topLeft: Character, topRight: Character,
            bottomLeft: Character, bottomRight: Character
        ) {
            self.horizontal = horizontal
            self.vertical = vertical
            self.topLeft = topLeft
            self.topRight = topRight
            self.bottomLeft = bottomLeft
            self.bottomRight = bottomRight
        }
        public static let single = BorderGlyphs(
            horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘")
        public static let rounded = BorderGlyphs(
            horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯")
        public static let heavy = BorderGlyphs(
            horizontal: "━", vertical: "┃", topLeft: "┏", topRight: "┓", bottomLeft: "┗", bottomRight: "┛")
        public static let ascii = BorderGlyphs(
            horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+")
    }

    /// Draws a border around `rect` with an optional title in the top edge. The inside is left
    /// untouched; use `rect.inset(1)` for the content area.
    public mutating func drawBox(
        _ rect: Rect, style: Style, glyphs: BorderGlyphs = .rounded, title: String? = nil,
        titleStyle: Style? = nil
    ) {
        guard rect.width >= 2, rect.height >= 2 else {
            fill(rect, style: style)
            return
        }
        let x1 = rect.maxX - 1
        let y1 = rect.maxY - 1
        // Every frame draws a few boxes: a narrow edge glyph is measured once and its cell placed
        // along the edge; any other goes through `put` cell by cell.
        let horizontal = Self.narrowCell(glyphs.horizontal, style)
        let vertical = Self.narrowCell(glyphs.vertical, style)
        for xx in (rect.x + 1)..<x1 {
            edge(horizontal, glyphs.horizontal, x: xx, y: rect.y, style: style)
            edge(horizontal, glyphs.horizontal, x: xx, y: y1, style: style)
        }
        for yy in (rect.y + 1)..<y1 {
            edge(vertical, glyphs.vertical, x: rect.x, y: yy, style: style)
            edge(vertical, glyphs.vertical, x: x1, y: yy, style: style)
        }
        put(glyphs.topLeft, x: rect.x, y: rect.y, style: style)
        put(glyphs.topRight, x: x1, y: rect.y, style: style)
        put(glyphs.bottomLeft, x: rect.x, y: y1, style: style)
        put(glyphs.bottomRight, x: x1, y: y1, style: style)
        if let title, !title.isEmpty, rect.width > 4 {
            let t = " " + DisplayWidth.truncate(DisplayWidth.sanitized(title), to: rect.width - 4) + " "
            write(t, x: rect.x + 1, y: rect.y, style: titleStyle ?? style, clip: rect.inset(horizontal: 1))
        }
    }

    /// A one-column cell for `character`, or nil when it is wide, zero-width or a control.
    private static func narrowCell(_ character: Character, _ style: Style) -> Cell? {
        DisplayWidth.of(character) == 1 && !DisplayWidth.isControl(character) ? Cell(character, width: 1, style: style) : nil
    }

    /// One cell of a box edge: `narrow` (the glyph's cell, already measured as one column) placed
    /// directly, as `put` would once it knew that; otherwise `put` with the glyph.
    private mutating func edge(_ narrow: Cell?, _ glyph: Character, x: Int, y: Int, style: Style) {
        guard let narrow else {
            put(glyph, x: x, y: y, style: style)
            return
        }
        guard x >= 0, y >= 0, x < width, y < height else { return }
        clearWide(x: x, y: y)
        cells[y * width + x] = narrow
    }

    // MARK: reading back (tests, snapshots, the too-small check)

    /// The text of row `y` (continuation cells skipped, trailing spaces kept).
    public func rowText(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var s = ""
        let base = y * width
        for xx in 0..<width where !cells[base + xx].isContinuation {
            s.append(cells[base + xx].character)
        }
        return s
    }

    /// All rows joined with newlines, trailing spaces of each row removed.
    public var text: String {
        (0..<height).map { y in
            var r = rowText(y)
            while r.last == " " { r.removeLast() }
            return r
        }.joined(separator: "\n")
    }

    /// Whether any row contains the given text.
    public func contains(_ needle: String) -> Bool {
        (0..<height).contains { rowText($0).contains(needle) }
    }

    /// The position of the first occurrence of `needle` (in cell coordinates), if any.
    public func find(_ needle: String) -> Point? {
        for y in 0..<height {
            let row = rowText(y)
            guard let range = row.range(of: needle) else { continue }
            return Point(x: DisplayWidth.of(row[row.startIndex..<range.lowerBound]), y: y)
        }
        return nil
    }

    // MARK: diffing

    /// The runs of cells that differ from `previous`. A nil or differently sized previous frame
    /// yields a full repaint of every row. Runs never start on a continuation cell and always
    /// include both halves of a wide character.
    public func diff(from previous: ScreenBuffer?) -> ScreenDiff {
        var runs: [CellRun] = []
        let full = forEachChange(from: previous) { x, y, cell in
            if let last = runs.last, last.y == y, last.x + last.cells.count == x {
                runs[runs.count - 1].cells.append(cell)
            } else {
                runs.append(CellRun(x: x, y: y, cells: [cell]))
            }
        }
        return ScreenDiff(isFullRepaint: full, runs: runs)
    }

    /// Calls `body` for every cell that must be painted to turn `previous` into this frame, row
    /// by row, left to right, each cell once: what `diff(from:)` returns, without building runs
    /// (the backend paints straight from here on every key press). Cells next to a change that
    /// belong to the same wide character are included. Returns true when `previous` is nil or of
    /// another size, and then every cell is visited.
    @discardableResult
    public func forEachChange(from previous: ScreenBuffer?, _ body: (_ x: Int, _ y: Int, _ cell: Cell) -> Void) -> Bool {
        guard let previous, previous.width == width, previous.height == height else {
            for y in 0..<height {
                for x in 0..<width { body(x, y, cells[y * width + x]) }
            }
            return true
        }
        cells.withUnsafeBufferPointer { now in
            previous.cells.withUnsafeBufferPointer { before in
                for y in 0..<height {
                    let base = y * width
                    var x = 0
                    var paintedEnd = 0
                    while x < width {
                        if now[base + x] == before[base + x] {
                            x += 1
                            continue
                        }
                        var start = x
                        if now[base + start].isContinuation && start > 0 { start -= 1 }
                        var end = x + 1
                        while end < width && now[base + end] != before[base + end] { end += 1 }
                        // Do not cut a wide character in half at the end of the run.
                        if end < width && now[base + end].isContinuation { end += 1 }
                        for i in Swift.max(start, paintedEnd)..<end { body(i, y, now[base + i]) }
                        paintedEnd = end
                        x = end
                    }
                }
            }
        }
        return false
    }
}

extension ScreenBuffer: CustomStringConvertible {
    /// The size and the text, so test failures show the screen rather than every cell.
    public var description: String { "ScreenBuffer \(size)\n" + text }
}
