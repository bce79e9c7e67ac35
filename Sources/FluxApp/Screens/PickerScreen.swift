import FluxAPI
import TerminalKit

/// The endpoint picker: every registry operation grouped by family, a filter, and a side panel with the
/// selected endpoint's fields and defaults.
public struct PickerState: Sendable, Equatable {
    public var filter = TextField(placeholder: "filter endpoints")
    public var isFiltering = false
    public var cursor = ListCursor(count: EndpointRegistry.all.count)
    /// Endpoints shown, in family order, after the filter.
    public private(set) var visible: [Endpoint] = PickerState.ordered

    static let ordered: [Endpoint] = EndpointFamily.allCases.flatMap { family in
        EndpointRegistry.all.filter { $0.family == family }
    }

    public init() {}

    public var selected: Endpoint? { cursor.selected.flatMap { visible.indices.contains($0) ? visible[$0] : nil } }

    public mutating func select(id: String) {
        if let i = visible.firstIndex(where: { $0.id == id }) { cursor.select(i) }
    }

    mutating func setFilter(_ text: String) {
        if filter.text != text { filter.text = text }
        let previous = selected?.id
        let needle = text.lowercased().trimmingCharacters(in: .whitespaces)
        visible = needle.isEmpty ? Self.ordered : Self.ordered.filter {
            "\($0.id) \($0.title) \($0.summary) \($0.family.rawValue) \($0.operation)".lowercased().contains(needle)
        }
        cursor.setCount(visible.count, selecting: previous.flatMap { id in visible.firstIndex { $0.id == id } } ?? 0)
    }

    // MARK: view

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, hints: String = "") {
        guard !area.isEmpty else { return }
        let listWidth = Self.listBox(in: area).width
        let columns = area.splitColumns([.fixed(listWidth), .fill()], spacing: 1)
        renderList(into: &buffer, in: columns[0], theme: theme)
        if columns.count > 1, let endpoint = selected {
            renderDetails(endpoint, into: &buffer, in: columns[1], theme: theme, hints: hints)
        }
    }

    /// The list's box in the screen area.
    static func listBox(in area: Rect) -> Rect {
        let listWidth = min(max(32, area.width * 2 / 5), 40)
        return area.splitColumns([.fixed(listWidth), .fill()], spacing: 1)[0]
    }

    /// The rows the list shows in its box: a header before each family's first endpoint, then
    /// the endpoints (`index` into `visible`), scrolled so the selection shows.
    func listRows(in box: Rect) -> [(rect: Rect, text: String, index: Int?)] {
        var inner = box.inset(1)
        if isFiltering || !filter.text.isEmpty { inner = inner.droppingTop(1) }
        var rows: [(text: String, index: Int?)] = []
        var lastFamily: EndpointFamily?
        for (i, endpoint) in visible.enumerated() {
            if endpoint.family != lastFamily {
                rows.append((endpoint.family.rawValue, nil))
                lastFamily = endpoint.family
            }
            rows.append((endpoint.id, i))
        }
        let selectedRow = rows.firstIndex { $0.index == cursor.selected } ?? 0
        let height = max(0, inner.height)
        let offset = selectedRow >= height ? selectedRow - height + 1 : 0
        return rows.dropFirst(offset).prefix(height).enumerated().map { line, row in (inner.row(line), row.text, row.index) }
    }

    private func renderList(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme) {
        buffer.drawBox(area, style: theme.style(.borderFocused), title: "Endpoints", titleStyle: theme.style(.title))
        let inner = area.inset(1)
        if isFiltering || !filter.text.isEmpty {
            let filterRow = inner.row(0)
            buffer.write("/", x: filterRow.x, y: filterRow.y, style: theme.style(.key))
            filter.render(into: &buffer, in: filterRow.droppingLeft(2), theme: theme, focused: isFiltering)
        }
        let rows = listRows(in: area)
        if visible.isEmpty {
            let first = (isFiltering || !filter.text.isEmpty) ? inner.droppingTop(1) : inner
            buffer.writeLine("no endpoint matches '\(filter.text)'", in: first.row(0), style: theme.style(.muted))
            return
        }
        for row in rows {
            if let index = row.index {
                let isSelected = index == cursor.selected
                let style = isSelected ? theme.style(.selection) : theme.style(.text)
                let retired = visible[index].retiredOnPublicAPI ? " ⌁" : ""
                buffer.writeLine((isSelected ? "▸ " : "  ") + row.text + retired, in: row.rect, style: style)
            } else {
                buffer.writeLine(row.text, in: row.rect, style: theme.style(.header))
            }
        }
    }

    private func renderDetails(_ endpoint: Endpoint, into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, hints: String) {
        buffer.drawBox(area, style: theme.style(.border), title: endpoint.title, titleStyle: theme.style(.title))
        let inner = area.inset(horizontal: 2, vertical: 1)
        guard inner.height > 0 else { return }
        var y = inner.y
        func line(_ text: String, _ role: ThemeRole) {
            guard y < inner.maxY else { return }
            buffer.writeLine(text, in: Rect(x: inner.x, y: y, width: inner.width, height: 1), style: theme.style(role))
            y += 1
        }
        for wrapped in DisplayWidth.wrap(endpoint.summary, width: inner.width) { line(wrapped, .text) }
        line("POST \(endpoint.path)", .muted)
        if endpoint.retiredOnPublicAPI { line("⌁ retired on api.bfl.ai; the simulator serves it", .warning) }
        y += 1
        let nameWidth = min(22, endpoint.fields.map(\.name.count).max() ?? 10)
        for field in endpoint.fields {
            guard y < inner.maxY else { break }
            var facts = field.kind.name
            if let d = field.defaultValue { facts += " = " + FormState.defaultText(d) }
            if let c = field.constraintSummary, field.kind.choices.isEmpty { facts += "  \(c)" }
            let marker = field.required ? "*" : " "
            let rect = Rect(x: inner.x, y: y, width: inner.width, height: 1)
            buffer.writeLine("", in: rect, style: theme.style(.text))
            let used = buffer.write(DisplayWidth.fit(field.name + marker, to: nameWidth + 1), x: rect.x, y: y,
                                    style: theme.style(field.required ? .accent : .text), clip: rect)
            buffer.write(" " + facts, x: rect.x + used, y: y, style: theme.style(.muted), clip: rect)
            y += 1
        }
        if y < inner.maxY { y += 1; line(hints + " · * required", .hint) }
    }
}
