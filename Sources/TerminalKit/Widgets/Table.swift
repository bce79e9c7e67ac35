// A table with a header, column sizing, truncation and row selection.
//
// Why: the task list shows several facts per row (status, endpoint, prompt, age). Columns are
// sized by rule (fixed / min / flex) so the prompt column absorbs spare width, every cell is
// truncated with "…", and only visible rows are drawn, whatever the row count.
//
// Keys: the same navigation as `SelectableList` (↑/↓ k/j, Home/End g/G, PgUp/PgDn, Ctrl-U/D, the
// mouse wheel); Enter activates the selected row; other keys are `.ignored`. `rowIndex(at:in:)`
// says which row a click hit, from the same `layout(in:)` that `render` draws with.

/// How wide a column is.
public enum ColumnWidth: Hashable, Sendable {
    /// Exactly n columns.
    case fixed(Int)
    /// At least n columns, and an equal share of spare width.
    case min(Int)
    /// A share of spare width by weight, but at least `min`.
    case flex(Int, min: Int = 0)
}

public struct TableColumn: Hashable, Sendable {
    public var title: String
    public var width: ColumnWidth
    public var alignment: DisplayWidth.Alignment
    public init(_ title: String, width: ColumnWidth = .flex(1), alignment: DisplayWidth.Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

public struct TableRow: Hashable, Sendable, Identifiable {
    public var id: String
    public var cells: [String]
    /// Optional role per cell (e.g. `.success` for a "Ready" status); nil uses the row's style.
    public var roles: [ThemeRole?]
    public init(id: String, cells: [String], roles: [ThemeRole?] = []) {
        self.id = id
        self.cells = cells
        self.roles = roles
    }
}

/// What a key did to a table.
public enum TableOutcome: Hashable, Sendable {
    case ignored
    case handled
    case selectionChanged(Int?)
    case activated(Int)
}

public struct Table: InteractiveWidget, Hashable, Sendable {
    public var columns: [TableColumn]
    public private(set) var rows: [TableRow]
    public private(set) var cursor: ListCursor
    public var showHeader: Bool
    /// Columns of space between cells.
    public var spacing: Int
    public var emptyMessage: String

    public init(
        columns: [TableColumn], rows: [TableRow] = [], showHeader: Bool = true, spacing: Int = 1,
        emptyMessage: String = "Nothing here"
    ) {
        self.columns = columns
        self.rows = rows
        self.cursor = ListCursor(count: rows.count)
        self.showHeader = showHeader
        self.spacing = spacing
        self.emptyMessage = emptyMessage
    }

    public var selectedIndex: Int? { cursor.selected }
    public var selectedRow: TableRow? { cursor.selected.map { rows[$0] } }

    /// Data rows visible at once; set from the layout (header excluded).
    public var viewportHeight: Int {
        get { cursor.viewportHeight }
        set {
            cursor.viewportHeight = newValue
            cursor.setCount(rows.count)
        }
    }

    /// Replaces the rows, keeping the selected row (by id) when it is still there.
    public mutating func setRows(_ newRows: [TableRow]) {
        let keep = selectedRow?.id
        rows = newRows
        cursor.setCount(rows.count, selecting: keep.flatMap { id in rows.firstIndex { $0.id == id } })
    }

    public mutating func select(_ index: Int) { cursor.select(index) }

    /// Column widths for a total width. Fixed columns first, then minimums, then spare width
    /// shared by weight among `.min` (weight 1) and `.flex` columns. When even the fixed and
    /// minimum widths do not fit, columns at the right get what is left (possibly 0: hidden).
    public static func columnWidths(_ columns: [TableColumn], totalWidth: Int, spacing: Int = 1) -> [Int] {
        let n = columns.count
        guard n > 0 else { return [] }
        var remaining = Swift.max(0, totalWidth - spacing * (n - 1))
        var widths = [Int](repeating: 0, count: n)
        for (i, c) in columns.enumerated() {
            let want: Int
            switch c.width {
            case .fixed(let v): want = v
            case .min(let v): want = v
            case .flex(_, let m): want = m
            }
            let w = Swift.min(Swift.max(0, want), remaining)
            widths[i] = w
            remaining -= w
        }
        var weights: [(Int, Int)] = []
        for (i, c) in columns.enumerated() {
            switch c.width {
            case .fixed: break
            case .min: weights.append((i, 1))
            case .flex(let w, _): weights.append((i, Swift.max(0, w)))
            }
        }
        let total = weights.reduce(0) { $0 + $1.1 }
        if total > 0 && remaining > 0 {
            var given = 0
            for (i, w) in weights {
                let share = remaining * w / total
                widths[i] += share
                given += share
            }
            var left = remaining - given
            var k = 0
            while left > 0 {
                let (i, w) = weights[k % weights.count]
                if w > 0 {
                    widths[i] += 1
                    left -= 1
                }
                k += 1
            }
        }
        return widths
    }

    public mutating func handle(_ key: KeyEvent) -> TableOutcome {
        let before = cursor.selected
        if cursor.handleNavigation(key) {
            return cursor.selected == before ? .handled : .selectionChanged(cursor.selected)
        }
        if key == .enter, let s = cursor.selected { return .activated(s) }
        return .ignored
    }

    /// Where `render` puts each part within `area`.
    private struct Layout {
        /// Rows below the header, scrollbar column included.
        var body: Rect
        /// Columns left for cells (the scrollbar takes the last one when shown).
        var contentWidth: Int
        var needsScrollbar: Bool
        /// The data rows' cells: `body` without the scrollbar column.
        var rowsArea: Rect { Rect(x: body.x, y: body.y, width: contentWidth, height: body.height) }
    }

    private func layout(in area: Rect) -> Layout {
        let body = showHeader ? area.droppingTop(1) : area
        let needsScrollbar = rows.count > body.height && area.width > 2
        return Layout(body: body, contentWidth: needsScrollbar ? area.width - 1 : area.width, needsScrollbar: needsScrollbar)
    }

    /// The index into `rows` of the row drawn at `point` when the table is rendered in `area`;
    /// nil for the header, the scrollbar and empty space.
    public func rowIndex(at point: Point, in area: Rect) -> Int? {
        cursor.row(at: point, in: layout(in: area).rowsArea)
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: theme.style(.text))
        let regions = layout(in: area)
        let body = regions.body
        let contentWidth = regions.contentWidth
        let widths = Table.columnWidths(columns, totalWidth: contentWidth, spacing: spacing)
        if showHeader {
            let headerStyle = theme.style(.header)
            let headerRow = Rect(x: area.x, y: area.y, width: contentWidth, height: 1)
            buffer.fill(area.row(0), style: headerStyle)
            drawCells(columns.map(\.title), roles: [], widths: widths, in: headerRow, style: headerStyle, theme: theme, into: &buffer)
        }
        guard !body.isEmpty else { return }
        if rows.isEmpty {
            buffer.writeLine(emptyMessage, in: body.row(0), style: theme.style(.muted))
            return
        }
        let range = cursor.visibleRange(height: body.height)
        for (k, i) in range.enumerated() {
            let row = rows[i]
            let rect = regions.rowsArea.row(k)
            let isSelected = i == cursor.selected
            let style = isSelected ? theme.style(focused ? .selection : .selectionInactive) : theme.style(.text)
            buffer.fill(rect, style: style)
            drawCells(row.cells, roles: isSelected ? [] : row.roles, widths: widths, in: rect, style: style, theme: theme, into: &buffer)
        }
        if regions.needsScrollbar {
            drawScrollbar(into: &buffer, in: body.right(1), total: rows.count, visible: range, theme: theme)
        }
    }

    private func drawCells(
        _ cells: [String], roles: [ThemeRole?], widths: [Int], in rect: Rect, style: Style, theme: Theme,
        into buffer: inout ScreenBuffer
    ) {
        var x = rect.x
        for (c, w) in widths.enumerated() {
            defer { x += w + spacing }
            guard w > 0, x < rect.maxX else { continue }
            let text = c < cells.count ? cells[c] : ""
            var cellStyle = style
            if c < roles.count, let role = roles[c] { cellStyle = theme.style(role, on: .text) }
            let cellRect = Rect(x: x, y: rect.y, width: Swift.min(w, rect.maxX - x), height: 1)
            buffer.writeLine(text, in: cellRect, style: cellStyle, alignment: columns[c].alignment)
        }
    }
}
