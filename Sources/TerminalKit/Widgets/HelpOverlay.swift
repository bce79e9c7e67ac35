// The help overlay ("?"), generated from key bindings.
//
// Why generated: the app builds the bindings from the same action records its dispatcher matches
// keys against (FluxApp's `ActionCatalog.help`), with the keys in force, so help never drifts from
// behaviour. Bindings are grouped under their `group` heading in first-seen order.
// ↑/↓ k/j, PgUp/PgDn, Home/End and the mouse wheel scroll; Esc, "?", "q" or Enter close it.

public enum HelpOutcome: Hashable, Sendable {
    case handled
    case dismissed
}

public struct HelpOverlay: InteractiveWidget, Hashable, Sendable {
    public var title: String
    public var bindings: [KeyBinding]
    public private(set) var scrollOffset: Int
    /// Rows of bindings visible at once (set from layout; scrolling is clamped when drawing).
    public var viewportHeight: Int

    public init(title: String = "Keys", bindings: [KeyBinding], viewportHeight: Int = 0) {
        self.title = title
        self.bindings = bindings
        self.scrollOffset = 0
        self.viewportHeight = viewportHeight
    }

    /// One display line of the overlay.
    enum Line: Hashable {
        case heading(String)
        case binding(KeyBinding)
        case blank
    }

    var lines: [Line] {
        var groups: [String] = []
        var byGroup: [String: [KeyBinding]] = [:]
        for b in bindings {
            if byGroup[b.group] == nil { groups.append(b.group) }
            byGroup[b.group, default: []].append(b)
        }
        var out: [Line] = []
        for (i, g) in groups.enumerated() {
            if i > 0 { out.append(.blank) }
            out.append(.heading(g))
            out += (byGroup[g] ?? []).map { .binding($0) }
        }
        return out
    }

    private var maxOffset: Int {
        Swift.max(0, lines.count - Swift.max(1, viewportHeight > 0 ? viewportHeight : lines.count))
    }

    public mutating func handle(_ key: KeyEvent) -> HelpOutcome {
        let page = Swift.max(1, viewportHeight - 1)
        switch key {
        case .escape, .char("?"), .char("q"), .enter: return .dismissed
        case .up, .char("k"): scrollOffset -= 1
        case .down, .char("j"): scrollOffset += 1
        case .pageUp: scrollOffset -= page
        case .pageDown, .char(" "): scrollOffset += page
        case .home, .char("g"): scrollOffset = 0
        case .end, .char("G"): scrollOffset = maxOffset
        case .mouse(let m): scrollOffset += m.scrollDelta ?? 0
        default: return .handled
        }
        scrollOffset = Swift.min(Swift.max(0, scrollOffset), maxOffset)
        return .handled
    }

    /// The box drawn in `area` and the rows its list of keys takes. The owner sets
    /// `viewportHeight` from `body.height` (PgUp/PgDn and the last page depend on it).
    public func layout(in area: Rect) -> (box: Rect, body: Rect) {
        let keyWidth = Swift.min(24, (bindings.map { $0.label.displayWidth }.max() ?? 0))
        let descWidth = bindings.map { $0.description.displayWidth }.max() ?? 0
        let wantWidth = Swift.max(keyWidth + descWidth + 8, title.displayWidth + 6, 30)
        let box = area.centered(width: Swift.min(area.width, wantWidth), height: Swift.min(area.height, lines.count + 4))
        let inner = box.inset(horizontal: 2, vertical: 1)
        return (box, inner.isEmpty ? inner : inner.droppingBottom(1))
    }

    /// Draws the overlay centred in `area` (most of it on small screens).
    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool = true) {
        guard !area.isEmpty else { return }
        let all = lines
        let keyWidth = Swift.min(24, (bindings.map { $0.label.displayWidth }.max() ?? 0))
        let box = layout(in: area).box
        buffer.fill(box, style: theme.style(.dialog))
        buffer.drawBox(box, style: theme.style(.borderFocused, on: .dialog), title: title, titleStyle: theme.style(.title, on: .dialog))
        let inner = box.inset(horizontal: 2, vertical: 1)
        guard !inner.isEmpty else { return }
        let bodyHeight = Swift.max(0, inner.height - 1)
        let maxOff = Swift.max(0, all.count - bodyHeight)
        let offset = Swift.min(scrollOffset, maxOff)
        for (row, line) in all.dropFirst(offset).prefix(bodyHeight).enumerated() {
            let r = inner.row(row)
            switch line {
            case .heading(let g):
                buffer.writeLine(g, in: r, style: theme.style(.title, on: .dialog).adding(.underline))
            case .binding(let b):
                let kw = Swift.min(keyWidth, Swift.max(0, r.width / 2))
                buffer.writeLine(b.label, in: r.left(kw), style: theme.style(.key, on: .dialog))
                buffer.writeLine(b.description, in: r.droppingLeft(kw + 2), style: theme.style(.dialog))
            case .blank:
                break
            }
        }
        let footer = all.count > bodyHeight
            ? "↑/↓ scroll · Esc close · \(offset + 1)-\(Swift.min(all.count, offset + bodyHeight))/\(all.count)"
            : "Esc close"
        buffer.writeLine(footer, in: inner.bottom(1), style: theme.style(.muted, on: .dialog), alignment: .right)
    }
}
