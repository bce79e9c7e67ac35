// A selectable, filterable, scrolling list.
//
// Why built for size: task histories reach tens of thousands of rows. Items precompute a
// lowercased search key once; filtering is one linear pass (narrowing an existing filter only
// scans the rows that matched before); rendering touches only the visible rows; navigation is
// O(1) through `ListCursor`.
//
// Keys: ↑/↓ k/j, Home/End g/G, PgUp/PgDn, Ctrl-U/Ctrl-D move; Enter activates; "/" starts typing a
// filter (space-separated words must all match, case-insensitive); while filtering, editing keys
// go to the filter, Enter or ↑/↓ keep it and return to the list, Esc clears it. Esc on a list with
// a filter clears the filter; otherwise Esc is `.ignored` for the parent.
// Mouse: the wheel scrolls (see `ListCursor`); `itemIndex(at:in:)` says which item a click hit,
// from the same `layout(in:)` that `render` draws with.

/// One row of a `SelectableList`.
public struct ListItem: Hashable, Sendable, Identifiable {
    /// Stable identity, used to keep the selection when items are replaced.
    public var id: String
    public var title: String
    /// Secondary text, drawn right-aligned and muted.
    public var detail: String
    /// Optional role for the title (e.g. `.error` for a failed task).
    public var role: ThemeRole?
    /// Lowercased title + detail, computed once for filtering.
    public let searchKey: String

    public init(id: String, title: String, detail: String = "", role: ThemeRole? = nil) {
        self.id = id
        self.title = title
        self.detail = detail
        self.role = role
        self.searchKey = (title + "\u{1F}" + detail).lowercased()
    }

    /// An item whose id is its title.
    public init(_ title: String, detail: String = "") {
        self.init(id: title, title: title, detail: detail)
    }
}

/// What a key did to a list.
public enum ListOutcome: Hashable, Sendable {
    case ignored
    case handled
    /// The selected item changed (index into `items`, nil when nothing is selected).
    case selectionChanged(Int?)
    /// Enter on an item (index into `items`).
    case activated(Int)
    /// The filter text changed.
    case filterChanged
}

public struct SelectableList: InteractiveWidget, Hashable, Sendable {
    public private(set) var items: [ListItem]
    /// Indices into `items` that pass the filter, in order.
    public private(set) var matches: [Int]
    public private(set) var cursor: ListCursor
    /// The filter input (active while `isFiltering`).
    public private(set) var filterField: TextField
    public private(set) var isFiltering: Bool
    public var title: String?
    public var emptyMessage: String
    /// Whether "/" starts filtering.
    public var filterable: Bool
    /// Draws a border (with the title) around the list.
    public var bordered: Bool

    public init(
        items: [ListItem] = [], title: String? = nil, emptyMessage: String = "Nothing here",
        filterable: Bool = true, bordered: Bool = false
    ) {
        self.items = items
        self.matches = Array(items.indices)
        self.cursor = ListCursor(count: items.count)
        self.filterField = TextField(placeholder: "type to filter")
        self.isFiltering = false
        self.title = title
        self.emptyMessage = emptyMessage
        self.filterable = filterable
        self.bordered = bordered
    }

    /// The filter text.
    public var filter: String { filterField.text }

    /// Index into `items` of the selected row.
    public var selectedIndex: Int? { cursor.selected.map { matches[$0] } }

    public var selectedItem: ListItem? { selectedIndex.map { items[$0] } }

    /// Rows visible at once; set from the layout (see `ListCursor`).
    public var viewportHeight: Int {
        get { cursor.viewportHeight }
        set {
            cursor.viewportHeight = newValue
            cursor.setCount(matches.count)
        }
    }

    /// Replaces the items, keeping the selected item (by id) when it is still there.
    public mutating func setItems(_ newItems: [ListItem]) {
        let keep = selectedItem?.id
        items = newItems
        recomputeMatches(narrowing: false)
        if let keep, let i = items.firstIndex(where: { $0.id == keep }), let pos = position(ofItem: i) {
            cursor.setCount(matches.count, selecting: pos)
        } else {
            cursor.setCount(matches.count)
        }
    }

    /// Selects the item with this id (clearing the filter if it hides it). Returns false if absent.
    @discardableResult
    public mutating func select(id: String) -> Bool {
        guard let i = items.firstIndex(where: { $0.id == id }) else { return false }
        if position(ofItem: i) == nil { setFilter("") }
        if let pos = position(ofItem: i) { cursor.select(pos) }
        return true
    }

    /// Selects by index into `items`.
    public mutating func select(index: Int) {
        guard index >= 0, index < items.count else { return }
        if position(ofItem: index) == nil { setFilter("") }
        if let pos = position(ofItem: index) { cursor.select(pos) }
    }

    /// Sets the filter text.
    public mutating func setFilter(_ text: String) {
        let old = filter
        filterField.text = text
        applyFilterChange(from: old)
    }

    /// Position of an item among the matches (binary search: matches are sorted).
    private func position(ofItem index: Int) -> Int? {
        var lo = 0
        var hi = matches.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if matches[mid] == index { return mid }
            if matches[mid] < index { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }

    private mutating func applyFilterChange(from old: String) {
        let keep = selectedIndex
        let narrowing = !old.isEmpty && filter.lowercased().hasPrefix(old.lowercased())
        recomputeMatches(narrowing: narrowing)
        if let keep, let pos = position(ofItem: keep) {
            cursor.setCount(matches.count, selecting: pos)
        } else {
            cursor.setCount(matches.count, selecting: 0)
        }
    }

    /// One linear pass over the items (or over the previous matches when the filter only grew).
    private mutating func recomputeMatches(narrowing: Bool) {
        let terms = filter.lowercased().split(separator: " ").map(String.init)
        if terms.isEmpty {
            matches = Array(items.indices)
            return
        }
        let source = narrowing ? matches : Array(items.indices)
        matches = source.filter { i in
            let key = items[i].searchKey
            return terms.allSatisfy { key.contains($0) }
        }
    }

    public mutating func handle(_ key: KeyEvent) -> ListOutcome {
        if isFiltering { return handleFiltering(key) }
        let before = selectedIndex
        if cursor.handleNavigation(key) {
            return selectedIndex == before ? .handled : .selectionChanged(selectedIndex)
        }
        switch key {
        case .enter:
            guard let i = selectedIndex else { return .handled }
            return .activated(i)
        case .char("/") where filterable:
            isFiltering = true
            return .handled
        case .escape where !filter.isEmpty:
            setFilter("")
            return .filterChanged
        default:
            return .ignored
        }
    }

    private mutating func handleFiltering(_ key: KeyEvent) -> ListOutcome {
        switch key {
        case .escape:
            isFiltering = false
            if filter.isEmpty { return .handled }
            setFilter("")
            return .filterChanged
        case .enter, .tab:
            isFiltering = false
            return .handled
        case .up, .down, .pageUp, .pageDown:
            isFiltering = false
            return handle(key)
        case .mouse(let m) where m.scrollDelta != nil:
            isFiltering = false
            return handle(key)
        default:
            let old = filter
            let outcome = filterField.handle(key)
            switch outcome {
            case .changed:
                applyFilterChange(from: old)
                return .filterChanged
            case .handled, .submitted:
                return .handled
            case .ignored:
                return .handled  // swallow other keys while typing a filter
            }
        }
    }

    /// Where `render` puts each part within `area`.
    private struct Layout {
        /// Inside the border, or below the title line.
        var inner: Rect
        /// The "/ filter" line, when shown.
        var filterLine: Rect?
        /// The rows plus the scrollbar column.
        var listArea: Rect
        /// The rows alone.
        var rowsArea: Rect
        var needsScrollbar: Bool
    }

    private func layout(in area: Rect) -> Layout {
        var inner = area
        if bordered {
            inner = area.inset(1)
        } else if let title, !title.isEmpty, area.height > 1 {
            inner = area.droppingTop(1)
        }
        var listArea = inner
        var filterLine: Rect? = nil
        if (isFiltering || !filter.isEmpty) && inner.height > 1 {
            listArea = inner.droppingBottom(1)
            filterLine = inner.bottom(1)
        }
        let needsScrollbar = matches.count > listArea.height && listArea.width > 2
        return Layout(
            inner: inner, filterLine: filterLine, listArea: listArea,
            rowsArea: needsScrollbar ? listArea.droppingRight(1) : listArea, needsScrollbar: needsScrollbar)
    }

    /// The index into `items` of the row drawn at `point` when the list is rendered in `area`;
    /// nil for the border, title, filter line, scrollbar and empty space.
    public func itemIndex(at point: Point, in area: Rect) -> Int? {
        guard !matches.isEmpty, let position = cursor.row(at: point, in: layout(in: area).rowsArea) else { return nil }
        return matches[position]
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: theme.style(.text))
        let regions = layout(in: area)
        if bordered {
            let borderStyle = theme.style(focused ? .borderFocused : .border)
            buffer.drawBox(area, style: borderStyle, title: title, titleStyle: theme.style(.title))
        } else if let title, !title.isEmpty, area.height > 1 {
            buffer.writeLine(title, in: area.row(0), style: theme.style(.title))
        }
        guard !regions.inner.isEmpty else { return }
        let listArea = regions.listArea
        if let line = regions.filterLine {
            let count = " \(matches.count)/\(items.count)"
            let countWidth = Swift.min(count.displayWidth, Swift.max(0, line.width - 3))
            buffer.write("/", x: line.x, y: line.y, style: theme.style(.accent), clip: line)
            var fieldRect = line.droppingLeft(1)
            fieldRect = fieldRect.droppingRight(countWidth)
            if isFiltering {
                filterField.render(into: &buffer, in: fieldRect, theme: theme, focused: focused)
            } else {
                buffer.writeLine(filter, in: fieldRect, style: theme.style(.muted))
            }
            if countWidth > 0 {
                buffer.writeLine(count, in: line.right(countWidth), style: theme.style(.muted), alignment: .right)
            }
        }
        guard !listArea.isEmpty else { return }
        if matches.isEmpty {
            let msg = items.isEmpty ? emptyMessage : "No matches for “\(filter)”"
            buffer.writeLine(msg, in: listArea.row(0), style: theme.style(.muted))
            return
        }
        let range = cursor.visibleRange(height: listArea.height)
        let rowsArea = regions.rowsArea
        let terms = filter.lowercased().split(separator: " ").map(String.init)
        for (k, pos) in range.enumerated() {
            let item = items[matches[pos]]
            let rowRect = rowsArea.row(k)
            let isSelected = pos == cursor.selected
            let rowStyle: Style
            if isSelected {
                rowStyle = theme.style(focused && !isFiltering ? .selection : .selectionInactive)
            } else if let role = item.role {
                rowStyle = theme.style(role, on: .text)
            } else {
                rowStyle = theme.style(.text)
            }
            buffer.fill(rowRect, style: rowStyle)
            let marker = isSelected ? "›" : " "
            buffer.write(marker, x: rowRect.x, y: rowRect.y, style: rowStyle.adding(isSelected ? .bold : []), clip: rowRect)
            let content = rowRect.droppingLeft(2)
            var titleWidth = content.width
            if !item.detail.isEmpty {
                let detailWidth = Swift.min(item.detail.displayWidth, content.width / 3)
                if detailWidth > 0 {
                    let detailStyle = isSelected ? rowStyle : theme.style(.muted, on: .text)
                    buffer.writeLine(item.detail, in: content.right(detailWidth), style: detailStyle, alignment: .right)
                    titleWidth = Swift.max(0, content.width - detailWidth - 1)
                }
            }
            let titleRect = content.left(titleWidth)
            let titleText = DisplayWidth.truncate(DisplayWidth.sanitized(item.title), to: titleRect.width)
            buffer.write(titleText, x: titleRect.x, y: titleRect.y, style: rowStyle, clip: titleRect)
            if !terms.isEmpty && !isSelected {
                highlight(terms, in: titleText, at: titleRect, into: &buffer, theme: theme)
            }
        }
        if regions.needsScrollbar {
            drawScrollbar(into: &buffer, in: listArea.right(1), total: matches.count, visible: range, theme: theme)
        }
    }

    /// Marks filter matches in a drawn title (visible rows only, so cost stays per screen).
    private func highlight(_ terms: [String], in text: String, at rect: Rect, into buffer: inout ScreenBuffer, theme: Theme) {
        let chars = Array(text)
        let lower = chars.map { String($0).lowercased() }
        let accent = theme.style(.accent, on: .text)
        for term in terms {
            let termChars = Array(term).map { String($0) }
            guard !termChars.isEmpty, termChars.count <= lower.count else { continue }
            var i = 0
            while i + termChars.count <= lower.count {
                if Array(lower[i..<(i + termChars.count)]) == termChars {
                    var x = rect.x
                    for j in 0..<i { x += DisplayWidth.of(chars[j]) }
                    for j in i..<(i + termChars.count) {
                        let w = DisplayWidth.of(chars[j])
                        if x + w > rect.maxX { break }
                        buffer.put(chars[j], x: x, y: rect.y, style: accent, clip: rect)
                        x += w
                    }
                    break
                }
                i += 1
            }
        }
    }
}
