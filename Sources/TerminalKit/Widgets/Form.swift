// A form: labelled fields with a hint line and error markers.
//
// Why generic: the form knows nothing about what it edits; the app builds `FormField`s from its
// own field descriptions (kind, label, help, required) and writes validation messages back with
// `setError(_:for:)`. The form only arranges, focuses, scrolls and forwards keys.
//
// Layout, top to bottom: one block per field (label column, control; an error or warning line
// under the field when it has one), and a hint line at the bottom showing the focused field's
// help. Required fields get a "*" after the label; fields with errors get "✗" before it.
//
// Keys: the focused control sees every key first. Tab / Shift-Tab always move between fields;
// ↓/↑ move when the control does not use them; Enter in a single-line field moves to the next
// field, and on the last field asks to submit; Ctrl-S asks to submit from anywhere (the app
// decides; the form never submits by itself). Esc is `.ignored` so the parent can go back.
//
// Call `setViewport(_:)` with the size the view will give the form (from your layout), so
// scrolling and multi-line fields match what is drawn; rendering copes either way.
//
// Mouse: `fieldID(at:in:)` says which field's block (label, control, message line) a click hit,
// from the same `blockLayout(in:)` that `render` draws with; the app then calls `focus(_:)`.

/// The editing control of a form field.
public enum FormControl: Hashable, Sendable {
    case text(TextField)
    /// A multi-line field `height` rows tall.
    case multiline(TextArea, height: Int)
    case checkbox(Checkbox)
    case choice(ChoicePicker)
}

/// The current value of a field.
public enum FormValue: Hashable, Sendable {
    case text(String)
    case bool(Bool)
    /// Selected index and its option text.
    case choice(Int, String?)

    /// The value as text ("true"/"false" for booleans, the option text for choices).
    public var stringValue: String {
        switch self {
        case .text(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .choice(_, let s): return s ?? ""
        }
    }
}

/// One field: a label, a control, help text and validation state.
public struct FormField: Hashable, Sendable, Identifiable {
    public var id: String
    public var label: String
    /// Help shown on the hint line while the field is focused.
    public var hint: String
    public var isRequired: Bool
    /// A validation error, shown under the field and marked with "✗".
    public var error: String?
    /// A softer note (e.g. "will be rounded to a multiple of 32").
    public var warning: String?
    public var control: FormControl

    public init(
        id: String, label: String, hint: String = "", isRequired: Bool = false, control: FormControl,
        error: String? = nil, warning: String? = nil
    ) {
        self.id = id
        self.label = label
        self.hint = hint
        self.isRequired = isRequired
        self.control = control
        self.error = error
        self.warning = warning
    }

    /// The field's value.
    public var value: FormValue {
        switch control {
        case .text(let f): return .text(f.text)
        case .multiline(let a, _): return .text(a.text)
        case .checkbox(let c): return .bool(c.isChecked)
        case .choice(let p): return .choice(p.selectedIndex, p.selectedOption)
        }
    }

    /// Rows the control takes.
    var controlHeight: Int {
        if case .multiline(_, let h) = control { return Swift.max(1, h) }
        return 1
    }

    /// Rows the whole block takes (control plus the message line, if any).
    var blockHeight: Int { controlHeight + ((error ?? warning) != nil ? 1 : 0) }
}

public enum FormOutcome: Hashable, Sendable {
    case ignored
    case handled
    /// A field's value changed (its id).
    case changed(String)
    /// Focus moved to another field (its id).
    case focusChanged(String)
    /// The user asked to submit (Ctrl-S, or Enter on the last field).
    case submitRequested
}

public struct Form: InteractiveWidget, Hashable, Sendable {
    public var fields: [FormField]
    public private(set) var focusIndex: Int
    /// Whether Tab on the last field goes to the first (and Shift-Tab the other way); when false,
    /// those keys are `.ignored` at the ends so the parent can move focus elsewhere.
    public var wrapsFocus: Bool
    /// First visible row of the field blocks.
    public private(set) var scrollOffset: Int
    public private(set) var viewport: Size

    public init(fields: [FormField], wrapsFocus: Bool = true) {
        self.fields = fields
        self.focusIndex = 0
        self.wrapsFocus = wrapsFocus
        self.scrollOffset = 0
        self.viewport = Size(width: 0, height: 0)
    }

    public var focusedField: FormField? { fields.indices.contains(focusIndex) ? fields[focusIndex] : nil }

    /// Index of a field by id.
    public func index(of id: String) -> Int? { fields.firstIndex { $0.id == id } }

    public subscript(id: String) -> FormField? {
        get { index(of: id).map { fields[$0] } }
        set {
            guard let i = index(of: id), let newValue else { return }
            fields[i] = newValue
        }
    }

    public func value(of id: String) -> FormValue? { self[id]?.value }

    /// All values by field id.
    public var values: [String: FormValue] {
        Dictionary(uniqueKeysWithValues: fields.map { ($0.id, $0.value) })
    }

    public mutating func setError(_ message: String?, for id: String) {
        guard let i = index(of: id) else { return }
        fields[i].error = message
    }

    public mutating func setWarning(_ message: String?, for id: String) {
        guard let i = index(of: id) else { return }
        fields[i].warning = message
    }

    /// Replaces every field's error and warning at once (fields not mentioned are cleared).
    public mutating func setIssues(errors: [String: String], warnings: [String: String] = [:]) {
        for i in fields.indices {
            fields[i].error = errors[fields[i].id]
            fields[i].warning = warnings[fields[i].id]
        }
    }

    public var hasErrors: Bool { fields.contains { $0.error != nil } }

    /// Focuses a field by id.
    public mutating func focus(_ id: String) {
        guard let i = index(of: id) else { return }
        focusIndex = i
        scrollToFocus()
    }

    /// Focuses the first field with an error; returns its id.
    @discardableResult
    public mutating func focusFirstError() -> String? {
        guard let i = fields.firstIndex(where: { $0.error != nil }) else { return nil }
        focusIndex = i
        scrollToFocus()
        return fields[i].id
    }

    // MARK: layout

    /// Columns used by the marker ("✗ ") and label ("Label* "). Labels are shown whole while the
    /// controls keep at least 16 columns (or two thirds of a narrow form).
    func labelColumnWidth(totalWidth: Int) -> Int {
        let longest = fields.map { $0.label.displayWidth + ($0.isRequired ? 1 : 0) }.max() ?? 0
        return Swift.max(0, Swift.min(longest + 3, Swift.max(totalWidth / 3, totalWidth - 16)))
    }

    /// Sets the size the form is drawn at, so text areas wrap and the form scrolls to match.
    public mutating func setViewport(_ size: Size) {
        viewport = size
        let controlWidth = Swift.max(1, size.width - labelColumnWidth(totalWidth: size.width))
        for i in fields.indices {
            if case .multiline(var area, let h) = fields[i].control {
                area.wrapWidth = controlWidth
                area.viewportHeight = h
                fields[i].control = .multiline(area, height: h)
            }
        }
        scrollToFocus()
    }

    /// Height available for field blocks (the hint line is taken off).
    static func blocksHeight(_ total: Int) -> Int { total > 2 ? total - 1 : total }

    /// Top row (relative to the block area) of each field.
    private func blockStarts() -> [Int] {
        var starts: [Int] = []
        var y = 0
        for f in fields {
            starts.append(y)
            y += f.blockHeight
        }
        return starts
    }

    private func effectiveOffset(height: Int, current: Int) -> Int {
        guard fields.indices.contains(focusIndex), height > 0 else { return 0 }
        let starts = blockStarts()
        let total = (starts.last ?? 0) + (fields.last?.blockHeight ?? 0)
        let top = starts[focusIndex]
        let bottom = top + fields[focusIndex].blockHeight
        var o = current
        if bottom > o + height { o = bottom - height }
        if top < o { o = top }
        o = Swift.min(o, Swift.max(0, total - height))
        return Swift.max(0, o)
    }

    /// Where `render` puts the field blocks within `area`.
    private struct BlockLayout {
        /// The rows the blocks scroll in (the hint line below is excluded).
        var area: Rect
        /// Block rows scrolled out above `area`.
        var offset: Int
        /// Top row of each field's block, counted from the first block.
        var starts: [Int]
    }

    private func blockLayout(in area: Rect) -> BlockLayout {
        let height = Form.blocksHeight(area.height)
        return BlockLayout(
            area: area.top(height), offset: effectiveOffset(height: height, current: scrollOffset), starts: blockStarts())
    }

    /// The id of the field whose block is drawn at `point` when the form is rendered in `area`;
    /// nil for the hint line and empty space.
    public func fieldID(at point: Point, in area: Rect) -> String? {
        let blocks = blockLayout(in: area)
        guard blocks.area.contains(point) else { return nil }
        let row = point.y - blocks.area.y + blocks.offset
        return fields.indices.first { row >= blocks.starts[$0] && row < blocks.starts[$0] + fields[$0].blockHeight }
            .map { fields[$0].id }
    }

    private mutating func scrollToFocus() {
        guard viewport.height > 0 else { return }
        scrollOffset = effectiveOffset(height: Form.blocksHeight(viewport.height), current: scrollOffset)
    }

    // MARK: keys

    private mutating func moveFocus(_ delta: Int, wrap: Bool) -> FormOutcome {
        guard !fields.isEmpty else { return .ignored }
        var i = focusIndex + delta
        if i < 0 || i >= fields.count {
            guard wrap else { return .ignored }
            i = (i + fields.count) % fields.count
        }
        if i == focusIndex { return .handled }
        focusIndex = i
        scrollToFocus()
        return .focusChanged(fields[i].id)
    }

    public mutating func handle(_ key: KeyEvent) -> FormOutcome {
        guard fields.indices.contains(focusIndex) else { return .ignored }
        switch key {
        case .ctrl("s"): return .submitRequested
        case .tab: return moveFocus(1, wrap: wrapsFocus)
        case .backTab: return moveFocus(-1, wrap: wrapsFocus)
        default: break
        }
        let id = fields[focusIndex].id
        let isLast = focusIndex == fields.count - 1
        switch fields[focusIndex].control {
        case .text(var field):
            let outcome = field.handle(key)
            fields[focusIndex].control = .text(field)
            switch outcome {
            case .changed: return .changed(id)
            case .handled: return .handled
            case .submitted: return isLast ? .submitRequested : moveFocus(1, wrap: false)
            case .ignored: break
            }
        case .multiline(var area, let h):
            let outcome = area.handle(key)
            fields[focusIndex].control = .multiline(area, height: h)
            switch outcome {
            case .changed: return .changed(id)
            case .handled: return .handled
            case .submitted: return isLast ? .submitRequested : moveFocus(1, wrap: false)
            case .ignored: break
            }
        case .checkbox(var box):
            let outcome = box.handle(key)
            fields[focusIndex].control = .checkbox(box)
            if case .toggled = outcome { return .changed(id) }
        case .choice(var picker):
            let outcome = picker.handle(key)
            fields[focusIndex].control = .choice(picker)
            switch outcome {
            case .changed: return .changed(id)
            case .handled: return .handled
            case .ignored: break
            }
        }
        switch key {
        case .down: return moveFocus(1, wrap: false)
        case .up: return moveFocus(-1, wrap: false)
        case .enter: return isLast ? .submitRequested : moveFocus(1, wrap: false)
        default: return .ignored
        }
    }

    // MARK: rendering

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: theme.style(.text))
        let blocks = blockLayout(in: area)
        let blockArea = blocks.area
        let blocksHeight = blockArea.height
        let labelWidth = labelColumnWidth(totalWidth: area.width)
        let offset = blocks.offset
        let starts = blocks.starts
        for (i, field) in fields.enumerated() {
            let top = starts[i] - offset
            if top >= blocksHeight { break }
            if top + field.blockHeight <= 0 { continue }
            let isFocused = focused && i == focusIndex
            drawField(field, top: blockArea.y + top, focused: isFocused, labelWidth: labelWidth, clip: blockArea, into: &buffer, theme: theme)
        }
        let total = (starts.last ?? 0) + (fields.last?.blockHeight ?? 0)
        if total > blocksHeight, blockArea.width > 2 {
            drawScrollbar(
                into: &buffer, in: blockArea.right(1), total: total, visible: offset..<Swift.min(total, offset + blocksHeight),
                theme: theme)
        }
        if blocksHeight < area.height, let f = focusedField {
            let hintLine = area.bottom(1)
            if let e = f.error {
                buffer.writeLine("✗ " + e, in: hintLine, style: theme.style(.error))
            } else {
                buffer.writeLine(f.hint, in: hintLine, style: theme.style(.hint))
            }
        }
    }

    private func drawField(
        _ field: FormField, top: Int, focused: Bool, labelWidth: Int, clip: Rect, into buffer: inout ScreenBuffer,
        theme: Theme
    ) {
        let labelRect = Rect(x: clip.x, y: top, width: labelWidth, height: 1).intersection(clip)
        let marker: String
        let markerStyle: Style
        if field.error != nil {
            marker = "✗"
            markerStyle = theme.style(.error)
        } else if field.warning != nil {
            marker = "!"
            markerStyle = theme.style(.warning)
        } else {
            marker = focused ? "›" : " "
            markerStyle = theme.style(.accent)
        }
        if !labelRect.isEmpty {
            buffer.write(marker, x: clip.x, y: top, style: markerStyle, clip: labelRect)
            let labelStyle = focused ? theme.style(.accent) : theme.style(.text)
            let labelText = DisplayWidth.truncate(field.label, to: Swift.max(0, labelWidth - 3 - (field.isRequired ? 1 : 0)))
            let used = buffer.write(labelText, x: clip.x + 2, y: top, style: labelStyle, clip: labelRect)
            if field.isRequired {
                buffer.write("*", x: clip.x + 2 + used, y: top, style: theme.style(.error), clip: labelRect)
            }
        }
        let controlX = clip.x + labelWidth
        let controlWidth = Swift.max(0, clip.maxX - controlX - 1)  // keep the last column for the scrollbar
        let controlRect = Rect(x: controlX, y: top, width: controlWidth, height: field.controlHeight)
        let visible = controlRect.intersection(clip)
        if visible == controlRect {
            switch field.control {
            case .text(let f): f.render(into: &buffer, in: controlRect, theme: theme, focused: focused)
            case .multiline(let a, _): a.render(into: &buffer, in: controlRect, theme: theme, focused: focused)
            case .checkbox(let c): c.render(into: &buffer, in: controlRect, theme: theme, focused: focused)
            case .choice(let p): p.render(into: &buffer, in: controlRect, theme: theme, focused: focused)
            }
        } else if !visible.isEmpty {
            // Partly scrolled out (only multi-line fields): draw into a scratch buffer and copy.
            var scratch = ScreenBuffer(width: controlRect.width, height: controlRect.height, style: theme.style(.text))
            let local = Rect(x: 0, y: 0, width: controlRect.width, height: controlRect.height)
            switch field.control {
            case .text(let f): f.render(into: &scratch, in: local, theme: theme, focused: focused)
            case .multiline(let a, _): a.render(into: &scratch, in: local, theme: theme, focused: focused)
            case .checkbox(let c): c.render(into: &scratch, in: local, theme: theme, focused: focused)
            case .choice(let p): p.render(into: &scratch, in: local, theme: theme, focused: focused)
            }
            if let c = scratch.cursor {
                let p = Point(x: controlRect.x + c.x, y: controlRect.y + c.y)
                if visible.contains(p) { buffer.cursor = p }
            }
            for yy in visible.y..<visible.maxY {
                let sy = yy - controlRect.y
                var xx = 0
                while xx < controlRect.width {
                    let cell = scratch[xx, sy]
                    if !cell.isContinuation {
                        buffer.put(cell.character, x: controlRect.x + xx, y: yy, style: cell.style, clip: visible)
                    }
                    xx += 1
                }
            }
        }
        if let message = field.error ?? field.warning {
            let y = top + field.controlHeight
            let line = Rect(x: controlX, y: y, width: controlWidth, height: 1).intersection(clip)
            if !line.isEmpty {
                let role: ThemeRole = field.error != nil ? .error : .warning
                buffer.writeLine((field.error != nil ? "✗ " : "! ") + message, in: line, style: theme.style(role))
            }
        }
    }
}
