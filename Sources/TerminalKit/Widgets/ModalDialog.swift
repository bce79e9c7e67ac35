// A modal dialog: a bordered box with a title, a wrapped message and a row of buttons, centred
// over whatever was drawn before.
//
// Why: confirmations ("Quit while uploads run?") and error reports need one consistent,
// keyboard-only interaction: ←/→, Tab/Shift-Tab (or h/l) choose a button, Enter or Space presses
// it, the first letter of a button presses it directly, Esc dismisses (the app treats that as
// cancel). Every other key is swallowed (`.handled`) because the dialog is modal.
// Mouse: `buttonIndex(at:in:)` says which button a click hit, from the same `buttonFrames(in:)`
// that `render` draws the buttons in.

public enum DialogOutcome: Hashable, Sendable {
    case handled
    /// A button was pressed (its index).
    case chose(Int)
    /// Esc.
    case dismissed
}

public struct ModalDialog: InteractiveWidget, Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case info, warning, error
    }

    public var title: String
    public var message: String
    public var buttons: [String]
    public private(set) var selectedButton: Int
    public var kind: Kind
    /// Widest the box gets (columns), so long messages wrap into a readable block.
    public var maxWidth: Int

    public init(
        title: String, message: String, buttons: [String] = ["OK"], defaultButton: Int = 0, kind: Kind = .info,
        maxWidth: Int = 64
    ) {
        self.title = title
        self.message = message
        self.buttons = buttons.isEmpty ? ["OK"] : buttons
        self.selectedButton = Swift.min(Swift.max(0, defaultButton), self.buttons.count - 1)
        self.kind = kind
        self.maxWidth = maxWidth
    }

    public mutating func handle(_ key: KeyEvent) -> DialogOutcome {
        switch key {
        case .left, .backTab, .char("h"):
            selectedButton = (selectedButton - 1 + buttons.count) % buttons.count
            return .handled
        case .right, .tab, .char("l"):
            selectedButton = (selectedButton + 1) % buttons.count
            return .handled
        case .enter, .char(" "):
            return .chose(selectedButton)
        case .escape:
            return .dismissed
        case .char(let c):
            let lc = String(c).lowercased()
            if let i = buttons.firstIndex(where: { $0.lowercased().hasPrefix(lc) }) {
                selectedButton = i
                return .chose(i)
            }
            return .handled
        default:
            return .handled
        }
    }

    private var borderRole: ThemeRole {
        switch kind {
        case .info: return .borderFocused
        case .warning: return .warning
        case .error: return .error
        }
    }

    /// The box the dialog occupies when centred in `area`.
    public func frame(in area: Rect) -> Rect {
        let buttonsWidth = buttons.reduce(0) { $0 + $1.displayWidth + 4 } + 2 * (buttons.count - 1)
        let messageWidth = message.split(separator: "\n").map { $0.displayWidth }.max() ?? 0
        let contentWidth = Swift.max(buttonsWidth, Swift.min(messageWidth, maxWidth - 4), title.displayWidth + 2, 20)
        let width = Swift.min(area.width, Swift.min(maxWidth, contentWidth + 4))
        let lines = DisplayWidth.wrap(message, width: Swift.max(1, width - 4))
        let height = Swift.min(area.height, lines.count + 5)
        return area.centered(width: width, height: height)
    }

    /// The button labels as drawn ("[ OK ]").
    private var buttonLabels: [String] { buttons.map { "[ " + $0 + " ]" } }

    /// Where each button is drawn when the dialog is centred in `area` (empty when squeezed out).
    private func buttonFrames(in area: Rect) -> [Rect] {
        // Buttons on the last row inside the border and padding, centred, two columns apart.
        let inner = frame(in: area).inset(horizontal: 2, vertical: 1)
        let widths = buttonLabels.map(\.displayWidth)
        let total = widths.reduce(0, +) + 2 * (widths.count - 1)
        var x = inner.x + Swift.max(0, (inner.width - total) / 2)
        return widths.map { width in
            defer { x += width + 2 }
            return Rect(x: x, y: inner.maxY - 1, width: width, height: 1).intersection(inner)
        }
    }

    /// The index of the button drawn at `point` when the dialog is rendered in `area`.
    public func buttonIndex(at point: Point, in area: Rect) -> Int? {
        buttonFrames(in: area).firstIndex { $0.contains(point) }
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool = true) {
        guard !area.isEmpty else { return }
        buffer.cursor = nil  // the dialog owns the keyboard; hide any field cursor behind it
        let box = frame(in: area)
        let dialogStyle = theme.style(.dialog)
        buffer.fill(box, style: dialogStyle)
        buffer.drawBox(
            box, style: theme.style(borderRole, on: .dialog), title: title, titleStyle: theme.style(.title, on: .dialog))
        let inner = box.inset(horizontal: 2, vertical: 1)
        guard !inner.isEmpty else { return }
        let lines = DisplayWidth.wrap(message, width: inner.width)
        // Rows: blank, message lines, blank, buttons. A squeezed dialog loses message lines first.
        let messageRows = Swift.max(0, inner.height - 3)
        for (i, line) in lines.prefix(messageRows).enumerated() {
            buffer.write(line, x: inner.x, y: inner.y + 1 + i, style: dialogStyle, clip: inner)
        }
        for (i, (label, button)) in zip(buttonLabels, buttonFrames(in: area)).enumerated() where !button.isEmpty {
            let style = i == selectedButton ? theme.style(.buttonFocused) : theme.style(.button)
            buffer.write(label, x: button.x, y: button.y, style: style, clip: inner)
        }
    }
}
