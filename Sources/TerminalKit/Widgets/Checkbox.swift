// A checkbox: "[x] label".
//
// Why a widget for two states: forms need consistent keys (Space, Enter or "x" toggles) and a
// look that also works without colour.

public enum CheckboxOutcome: Hashable, Sendable {
    case ignored
    /// The box was toggled; the new value.
    case toggled(Bool)
}

public struct Checkbox: InteractiveWidget, Hashable, Sendable {
    public var label: String
    public var isChecked: Bool

    public init(_ label: String = "", isChecked: Bool = false) {
        self.label = label
        self.isChecked = isChecked
    }

    public mutating func handle(_ key: KeyEvent) -> CheckboxOutcome {
        switch key {
        case .char(" "), .enter, .char("x"), .char("X"):
            isChecked.toggle()
            return .toggled(isChecked)
        default:
            return .ignored
        }
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        let base = theme.style(.text)
        buffer.fill(line, style: base)
        let boxStyle = focused ? theme.style(.inputFocused) : theme.style(.input)
        let box = isChecked ? "[x]" : "[ ]"
        let used = buffer.write(box, x: line.x, y: line.y, style: boxStyle, clip: line)
        if focused { buffer.cursor = Point(x: Swift.min(line.x + 1, line.maxX - 1), y: line.y) }
        if !label.isEmpty && used + 1 < line.width {
            buffer.writeLine(label, in: line.droppingLeft(used + 1), style: focused ? theme.style(.accent) : base)
        }
    }
}
