// Picks one of several options in place: "‹ 16:9 ›".
//
// Why inline: option lists in forms are short (formats, aspect ratios, modes); cycling keeps the
// form one line per field. ←/→ (h/l) or Space cycle, typing a letter jumps to the next option
// starting with it, Home/End pick the first/last.

public enum ChoiceOutcome: Hashable, Sendable {
    case ignored
    case handled
    /// The selection changed; the new index.
    case changed(Int)
}

public struct ChoicePicker: InteractiveWidget, Hashable, Sendable {
    public var options: [String]
    public private(set) var selectedIndex: Int
    /// Whether cycling wraps around at the ends.
    public var wraps: Bool

    public init(options: [String], selectedIndex: Int = 0, wraps: Bool = true) {
        self.options = options
        self.selectedIndex = options.isEmpty ? 0 : Swift.min(Swift.max(0, selectedIndex), options.count - 1)
        self.wraps = wraps
    }

    public var selectedOption: String? { options.indices.contains(selectedIndex) ? options[selectedIndex] : nil }

    public mutating func select(_ index: Int) {
        guard !options.isEmpty else { return }
        selectedIndex = Swift.min(Swift.max(0, index), options.count - 1)
    }

    /// Selects the option with this text; returns false if absent.
    @discardableResult
    public mutating func select(option: String) -> Bool {
        guard let i = options.firstIndex(of: option) else { return false }
        selectedIndex = i
        return true
    }

    private mutating func step(_ delta: Int) -> ChoiceOutcome {
        guard !options.isEmpty else { return .handled }
        var i = selectedIndex + delta
        if wraps {
            i = (i % options.count + options.count) % options.count
        } else {
            i = Swift.min(Swift.max(0, i), options.count - 1)
        }
        if i == selectedIndex { return .handled }
        selectedIndex = i
        return .changed(i)
    }

    public mutating func handle(_ key: KeyEvent) -> ChoiceOutcome {
        switch key {
        case .left, .char("h"): return step(-1)
        case .right, .char("l"), .char(" "): return step(1)
        case .home:
            guard !options.isEmpty, selectedIndex != 0 else { return .handled }
            selectedIndex = 0
            return .changed(0)
        case .end:
            guard !options.isEmpty, selectedIndex != options.count - 1 else { return .handled }
            selectedIndex = options.count - 1
            return .changed(selectedIndex)
        case .char(let c) where c.isLetter || c.isNumber:
            let lc = String(c).lowercased()
            let n = options.count
            for k in 1...Swift.max(1, n) where n > 0 {
                let i = (selectedIndex + k) % n
                if options[i].lowercased().hasPrefix(lc) {
                    if i == selectedIndex { return .handled }
                    selectedIndex = i
                    return .changed(i)
                }
            }
            return .handled
        default:
            return .ignored
        }
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        buffer.fill(line, style: theme.style(.text))
        let role: ThemeRole = focused ? .inputFocused : .input
        let style = theme.style(role)
        let value = selectedOption ?? "—"
        let position = options.count > 1 ? "  \(selectedIndex + 1)/\(options.count)" : ""
        let inner = "‹ " + value + " ›"
        let needed = inner.displayWidth
        let width = Swift.min(line.width, needed)
        let box = line.left(width)
        if width >= 5 {
            buffer.fill(box, style: style)
            buffer.put("‹", x: box.x, y: box.y, style: theme.style(.accent, on: role), clip: box)
            buffer.put("›", x: box.maxX - 1, y: box.y, style: theme.style(.accent, on: role), clip: box)
            buffer.writeLine(value, in: box.inset(horizontal: 2), style: style)
        } else {
            buffer.writeLine(value, in: box, style: style)
        }
        if focused { buffer.cursor = Point(x: Swift.min(box.x + 2, line.maxX - 1), y: line.y) }
        if !position.isEmpty && line.width > width + position.displayWidth {
            buffer.write(position, x: box.maxX, y: line.y, style: theme.style(.muted), clip: line)
        }
    }
}
