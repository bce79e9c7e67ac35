// Selection and scrolling over a number of rows, shared by the list, the table and the help
// overlay.
//
// Why separate: the navigation rules (arrows, vim keys, Home/End, PgUp/PgDn, keep the selection
// in view with minimal scrolling) must behave the same everywhere, and they only need counts, so
// they stay O(1) however many rows there are.
//
// `viewportHeight` is the number of rows the owner shows; set it from the same layout the view
// uses (PgUp/PgDn and scrolling depend on it). Rendering re-checks against the real height, so a
// stale value never hides the selection.

// Mouse: the wheel (`.mouse` scroll events through `handleNavigation`) scrolls the view by
// `MouseEvent.wheelRows`, dragging the selection along only as far as it must stay visible;
// `row(at:in:)` maps a click to a row with the same `visibleRange` the owners draw with.

/// Selected row and first visible row.
public struct ListCursor: Hashable, Sendable {
    /// Number of rows.
    public private(set) var count: Int
    /// The selected row (nil when there are no rows).
    public private(set) var selected: Int?
    /// The first visible row.
    public private(set) var offset: Int
    /// Rows visible at once (0 = unknown; page moves then use 10).
    public var viewportHeight: Int

    public init(count: Int = 0, selected: Int? = 0, viewportHeight: Int = 0) {
        self.count = Swift.max(0, count)
        self.selected = nil
        self.offset = 0
        self.viewportHeight = viewportHeight
        if self.count > 0 { self.selected = Swift.min(Swift.max(0, selected ?? 0), self.count - 1) }
        scrollToSelection()
    }

    public var pageSize: Int { viewportHeight > 1 ? viewportHeight - 1 : (viewportHeight == 1 ? 1 : 10) }

    /// Changes the number of rows, keeping the selection when possible.
    public mutating func setCount(_ n: Int, selecting index: Int? = nil) {
        count = Swift.max(0, n)
        if count == 0 {
            selected = nil
            offset = 0
            return
        }
        let want = index ?? selected ?? 0
        selected = Swift.min(Swift.max(0, want), count - 1)
        offset = Swift.min(offset, Swift.max(0, count - 1))
        scrollToSelection()
    }

    /// Selects a row (clamped) and scrolls it into view.
    public mutating func select(_ index: Int) {
        guard count > 0 else { return }
        selected = Swift.min(Swift.max(0, index), count - 1)
        scrollToSelection()
    }

    /// Moves the selection by `delta` rows (clamped).
    public mutating func move(by delta: Int) {
        guard count > 0 else { return }
        select((selected ?? 0) + delta)
    }

    /// Scrolls the view by `delta` rows (the wheel). The selection stays where it is unless it
    /// would leave the view; then it moves to the nearest visible row. Without a known viewport
    /// the selection itself moves.
    public mutating func scroll(by delta: Int) {
        guard count > 0 else { return }
        guard viewportHeight > 0 else { return move(by: delta) }
        offset = Swift.min(Swift.max(0, offset + delta), Swift.max(0, count - viewportHeight))
        if let s = selected { selected = Swift.min(Swift.max(s, offset), offset + viewportHeight - 1, count - 1) }
    }

    /// The row drawn at `point` when the rows are drawn one per line from the top of `rows`
    /// (as `visibleRange(height: rows.height)` lays them out); nil outside the rows.
    public func row(at point: Point, in rows: Rect) -> Int? {
        guard rows.contains(point) else { return nil }
        let visible = visibleRange(height: rows.height)
        let row = visible.lowerBound + point.y - rows.y
        return visible.contains(row) ? row : nil
    }

    /// Minimal scroll so that the selection is visible in `viewportHeight` rows.
    mutating func scrollToSelection() {
        offset = ListCursor.offset(for: selected, count: count, current: offset, height: viewportHeight)
    }

    /// The first visible row when showing `height` rows, starting from `current` and moving as
    /// little as possible to keep `selected` visible and the view filled.
    static func offset(for selected: Int?, count: Int, current: Int, height: Int) -> Int {
        guard height > 0, count > 0 else { return Swift.max(0, Swift.min(current, Swift.max(0, count - 1))) }
        var o = current
        if let s = selected {
            if s < o { o = s }
            if s >= o + height { o = s - height + 1 }
        }
        o = Swift.min(o, Swift.max(0, count - height))
        return Swift.max(0, o)
    }

    /// The rows to draw in a view of `height` rows.
    public func visibleRange(height: Int) -> Range<Int> {
        let o = ListCursor.offset(for: selected, count: count, current: offset, height: height)
        return o..<Swift.min(count, o + Swift.max(0, height))
    }

    /// Handles navigation keys: ↑/↓, k/j, Home/End, g/G, PgUp/PgDn, Ctrl-U/Ctrl-D (half page),
    /// and the mouse wheel. Returns true when the key was a navigation key (even if the selection
    /// could not move).
    public mutating func handleNavigation(_ key: KeyEvent, vimKeys: Bool = true) -> Bool {
        switch key {
        case .up: move(by: -1)
        case .down: move(by: 1)
        case .char("k") where vimKeys: move(by: -1)
        case .char("j") where vimKeys: move(by: 1)
        case .home: select(0)
        case .end: select(count - 1)
        case .char("g") where vimKeys: select(0)
        case .char("G") where vimKeys: select(count - 1)
        case .pageUp: move(by: -pageSize)
        case .pageDown: move(by: pageSize)
        case .ctrl("u"): move(by: -Swift.max(1, pageSize / 2))
        case .ctrl("d"): move(by: Swift.max(1, pageSize / 2))
        case .mouse(let m):
            guard let delta = m.scrollDelta else { return false }
            scroll(by: delta)
        default: return false
        }
        return true
    }
}

/// Draws a one-column scroll indicator (track plus thumb) when not all rows fit.
func drawScrollbar(
    into buffer: inout ScreenBuffer, in column: Rect, total: Int, visible: Range<Int>, theme: Theme
) {
    guard column.height > 0, total > column.height, total > 0 else { return }
    let h = column.height
    let thumb = Swift.max(1, h * visible.count / total)
    let maxStart = h - thumb
    let scrollable = Swift.max(1, total - visible.count)
    let start = Swift.min(maxStart, (maxStart * visible.lowerBound + scrollable / 2) / scrollable)
    for i in 0..<h {
        let isThumb = i >= start && i < start + thumb
        buffer.put(
            isThumb ? "┃" : "│", x: column.x, y: column.y + i,
            style: isThumb ? theme.style(.accent) : theme.style(.border))
    }
}
