// The mouse reports terminals send once reporting is on, turned into `MouseEvent`s.
//
// Why these rules:
// - SGR reports (mode 1006) are what backends ask for: `ESC [ < Cb ; Cx ; Cy M` for a press and
//   `... m` for a release, with decimal 1-based coordinates (so no 223-column limit and the
//   released button is known). Points become 0-based.
// - Cb's low two bits are the button (0 left, 1 middle, 2 right); +64 marks the wheel (64 up,
//   65 down). Modifier bits (+4 Shift, +8 Alt, +16 Ctrl) are ignored on purpose: a Ctrl-click is
//   still a click, and most terminals keep Shift-click for their own text selection anyway.
// - Dropped on purpose: motion (+32; only sent if some other program left drag or any-motion
//   reporting on, and a drag must not turn into a stream of presses), button 3 ("no button"),
//   horizontal wheel (66/67), extra buttons (+128), a wheel "release", and any report with a
//   missing, non-numeric, zero or absurd field. None of it is ever typed as text.
// - Legacy X10 reports (`ESC [ M` and three bytes, each value + 32) come from terminals that
//   ignore the SGR request; they are decoded by the same rules so they never leak either. X10
//   does not say which button was released, so its releases are dropped (clicks act on presses).

extension MouseEvent {
    /// Rows one wheel notch scrolls a list or a text pane.
    public static let wheelRows = 3

    /// Rows to scroll for a wheel event (negative = up); nil for clicks.
    public var scrollDelta: Int? {
        switch kind {
        case .scrollUp: return -MouseEvent.wheelRows
        case .scrollDown: return MouseEvent.wheelRows
        case .press, .release: return nil
        }
    }
}

enum MouseReport {
    /// Largest coordinate accepted (far beyond any real terminal; guards against garbage).
    static let maxCoordinate = 10_000
    /// Longest parameter text of an SGR report worth collecting ("<" excluded).
    static let maxSGRLength = 24

    /// Decodes the parameters between `ESC [ <` and the final `M` (press) or `m` (release).
    static func sgr(parameters: String, isRelease: Bool) -> MouseEvent? {
        let fields = parameters.split(separator: ";", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy(\.isWholeNumber) }),
            let code = Int(fields[0]), let column = Int(fields[1]), let row = Int(fields[2])
        else { return nil }
        return event(code: code, column: column, row: row, isRelease: isRelease)
    }

    /// Decodes the three values after `ESC [ M` (each already decoded as a code point).
    static func x10(_ values: [UInt32]) -> MouseEvent? {
        guard values.count == 3, values.allSatisfy({ $0 >= 32 }) else { return nil }
        // A release arrives as "button 3" and is dropped below, like every "no button" report.
        return event(code: Int(values[0]) - 32, column: Int(values[1]) - 32, row: Int(values[2]) - 32, isRelease: false)
    }

    private static func event(code: Int, column: Int, row: Int, isRelease: Bool) -> MouseEvent? {
        guard (1...maxCoordinate).contains(column), (1...maxCoordinate).contains(row), code >= 0 else { return nil }
        let position = Point(x: column - 1, y: row - 1)
        let motion = 32
        let wheel = 64
        let extraButtons = 128
        if code & (motion | extraButtons) != 0 { return nil }
        let button = code & 3
        if code & wheel != 0 {
            guard !isRelease else { return nil }
            switch button {
            case 0: return MouseEvent(kind: .scrollUp, position: position)
            case 1: return MouseEvent(kind: .scrollDown, position: position)
            default: return nil  // horizontal wheel
            }
        }
        guard button != 3 else { return nil }
        let kind: MouseEvent.Kind = isRelease ? .release(button: button) : .press(button: button)
        return MouseEvent(kind: kind, position: position)
    }
}
