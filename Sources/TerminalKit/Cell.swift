// The unit of the screen grid: one cell holding a grapheme cluster with its colours and
// attributes.
//
// Why value types all the way down: a frame is a plain `ScreenBuffer` value that views produce
// and tests inspect; the backend compares two frames cell by cell to paint only what changed.

/// Text attributes a terminal can show. Monochrome themes rely on these alone.
public struct TextAttributes: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let underline = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let dim = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)

    /// Names as written in theme files.
    public static let names: [(String, TextAttributes)] = [
        ("bold", .bold), ("underline", .underline), ("reverse", .reverse), ("dim", .dim), ("italic", .italic),
    ]

    public var description: String {
        let parts = TextAttributes.names.filter { contains($0.1) }.map(\.0)
        return parts.isEmpty ? "none" : parts.joined(separator: "+")
    }
}

/// A colour as the terminal understands it.
public enum TerminalColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own default foreground/background.
    case `default`
    /// A palette index: 0-7 the basic colours, 8-15 their bright forms, 16-255 the xterm
    /// colour cube and grey ramp.
    case indexed(UInt8)
    /// A 24-bit colour (kept as is only in true-colour mode, otherwise mapped to the nearest
    /// palette entry).
    case rgb(UInt8, UInt8, UInt8)

    public static let black = TerminalColor.indexed(0)
    public static let red = TerminalColor.indexed(1)
    public static let green = TerminalColor.indexed(2)
    public static let yellow = TerminalColor.indexed(3)
    public static let blue = TerminalColor.indexed(4)
    public static let magenta = TerminalColor.indexed(5)
    public static let cyan = TerminalColor.indexed(6)
    public static let white = TerminalColor.indexed(7)

    public var description: String {
        switch self {
        case .default: return "default"
        case .indexed(let i): return "\(i)"
        case .rgb(let r, let g, let b):
            return "#" + [r, g, b].map { v in
                let s = String(v, radix: 16)
                return s.count == 1 ? "0" + s : s
            }.joined()
        }
    }
}

/// Colours plus attributes: what one role of a theme resolves to and what every cell carries.
public struct Style: Hashable, Sendable, CustomStringConvertible {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(
        foreground: TerminalColor = .default, background: TerminalColor = .default,
        attributes: TextAttributes = []
    ) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// Terminal defaults, no attributes.
    public static let plain = Style()

    /// The same style with extra attributes.
    public func adding(_ extra: TextAttributes) -> Style {
        var s = self
        s.attributes.formUnion(extra)
        return s
    }

    /// The same style with another foreground.
    public func withForeground(_ color: TerminalColor) -> Style {
        var s = self
        s.foreground = color
        return s
    }

    /// The same style with another background.
    public func withBackground(_ color: TerminalColor) -> Style {
        var s = self
        s.background = color
        return s
    }

    public var description: String { "fg=\(foreground) bg=\(background) \(attributes)" }
}

/// One screen cell.
///
/// A wide character (width 2) occupies its own cell plus a *continuation* cell to its right
/// (width 0, same style); painting skips continuation cells.
public struct Cell: Hashable, Sendable {
    /// The grapheme cluster shown; a space for blank and continuation cells.
    public var character: Character
    /// Columns taken: 1 or 2 for a normal cell, 0 for a continuation cell.
    public var width: UInt8
    public var style: Style

    public init(_ character: Character, width: Int? = nil, style: Style = .plain) {
        self.character = character
        self.width = UInt8(clamping: width ?? Swift.max(1, DisplayWidth.of(character)))
        self.style = style
    }

    /// A blank cell in the given style.
    public static func blank(_ style: Style = .plain) -> Cell { Cell(" ", width: 1, style: style) }

    /// The right half of a wide character.
    public static func continuation(_ style: Style) -> Cell { Cell(" ", width: 0, style: style) }

    /// Whether this is the right half of a wide character.
    public var isContinuation: Bool { width == 0 }
}
