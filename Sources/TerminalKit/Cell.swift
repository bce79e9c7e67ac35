// The unit of the screen grid: one cell holding a grapheme cluster with its colours and
// attributes.
//
// Why value types all the way down: a frame is a plain `ScreenBuffer` value that views produce
// and tests inspect; the backend compares two frames cell by cell to paint only what changed.

import Locking

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

    /// The colour as one number (kind in the top byte), for `Style` and `Cell` to store.
    @inlinable
    var packed: UInt32 {
        switch self {
        case .default: return 0
        case .indexed(let i): return 0x0100_0000 | UInt32(i)
        case .rgb(let r, let g, let b): return 0x0200_0000 | UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
        }
    }

    @inlinable
    init(packed: UInt32) {
        switch packed >> 24 {
        case 1: self = .indexed(UInt8(truncatingIfNeeded: packed))
        case 2: self = .rgb(UInt8(truncatingIfNeeded: packed >> 16), UInt8(truncatingIfNeeded: packed >> 8), UInt8(truncatingIfNeeded: packed))
        default: self = .default
        }
    }

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
///
/// The colours are stored packed (see `TerminalColor.packed`): styles are compared for every cell
/// of every frame, and two integers compare faster than two enums with payloads.
public struct Style: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline var packedForeground: UInt32
    @usableFromInline var packedBackground: UInt32
    public var attributes: TextAttributes

    public var foreground: TerminalColor {
        get { TerminalColor(packed: packedForeground) }
        set { packedForeground = newValue.packed }
    }

    public var background: TerminalColor {
        get { TerminalColor(packed: packedBackground) }
        set { packedBackground = newValue.packed }
    }

    public init(
        foreground: TerminalColor = .default, background: TerminalColor = .default,
        attributes: TextAttributes = []
    ) {
        self.packedForeground = foreground.packed
        self.packedBackground = background.packed
        self.attributes = attributes
    }

    @inlinable
    init(packedForeground: UInt32, packedBackground: UInt32, attributes: TextAttributes) {
        self.packedForeground = packedForeground
        self.packedBackground = packedBackground
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
///
/// Why the text is a number: a frame of 200x60 is 12,000 cells, rendered, compared and partly
/// painted on every key press. Holding a `Character` (a reference-counted string) made every
/// copy, comparison and release of a cell go through the runtime; as plain data (a Unicode scalar,
/// or the number of an interned grapheme cluster) a frame is allocated, compared and freed like
/// an array of integers.
///
/// The layout is 16 bytes without padding (four 32-bit words), so two cells compare as two
/// 64-bit words.
public struct Cell: Hashable, Sendable {
    /// A Unicode scalar value, or with `clusterFlag` set the index of a cluster in `GraphemeClusters`.
    private var content: UInt32
    private var foreground: UInt32
    private var background: UInt32
    /// Columns taken: 1 or 2 for a normal cell, 0 for a continuation cell.
    public var width: UInt8
    private var attributes: UInt8
    private var spare: UInt16 = 0

    public var style: Style {
        get { Style(packedForeground: foreground, packedBackground: background, attributes: TextAttributes(rawValue: attributes)) }
        set {
            foreground = newValue.packedForeground
            background = newValue.packedBackground
            attributes = newValue.attributes.rawValue
        }
    }

    public static func == (a: Cell, b: Cell) -> Bool {
        let x = unsafeBitCast(a, to: (UInt64, UInt64).self)
        let y = unsafeBitCast(b, to: (UInt64, UInt64).self)
        return x.0 == y.0 && x.1 == y.1
    }

    public func hash(into hasher: inout Hasher) {
        let x = unsafeBitCast(self, to: (UInt64, UInt64).self)
        hasher.combine(x.0)
        hasher.combine(x.1)
    }

    private static let clusterFlag: UInt32 = 1 << 31

    public init(_ character: Character, width: Int? = nil, style: Style = .plain) {
        let scalars = character.unicodeScalars
        if let first = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex {
            content = first.value
        } else if let id = GraphemeClusters.shared.id(of: character) {
            content = Cell.clusterFlag | id
        } else {
            // The cluster table is full, or the cluster absurdly long: show the base character
            // rather than grow without bound.
            content = scalars.first?.value ?? 0x20
        }
        self.width = UInt8(clamping: width ?? Swift.max(1, DisplayWidth.of(character)))
        foreground = style.packedForeground
        background = style.packedBackground
        attributes = style.attributes.rawValue
    }

    /// A cell holding one scalar whose width the caller already knows (the fast path of text
    /// writing).
    @inlinable
    public init(scalar: Unicode.Scalar, width: UInt8, style: Style) {
        self.init(rawContent: scalar.value, width: width, style: style)
    }

    @usableFromInline
    init(rawContent: UInt32, width: UInt8, style: Style) {
        content = rawContent
        self.width = width
        foreground = style.packedForeground
        background = style.packedBackground
        attributes = style.attributes.rawValue
    }

    /// The grapheme cluster shown; a space for blank and continuation cells.
    public var character: Character {
        if let scalar { return Character(scalar) }
        return GraphemeClusters.shared.character(content & ~Cell.clusterFlag)
    }

    /// The scalar shown when the cell holds exactly one (nearly always); nil for a cluster of
    /// several scalars (an emoji sequence, a letter with combining marks).
    public var scalar: Unicode.Scalar? {
        content & Cell.clusterFlag == 0 ? Unicode.Scalar(content) : nil
    }

    /// A blank cell in the given style.
    public static func blank(_ style: Style = .plain) -> Cell { Cell(rawContent: 0x20, width: 1, style: style) }

    /// The right half of a wide character.
    public static func continuation(_ style: Style) -> Cell { Cell(rawContent: 0x20, width: 0, style: style) }

    /// Whether this is the right half of a wide character.
    public var isContinuation: Bool { width == 0 }
}

/// Grapheme clusters of more than one scalar, each stored once and named by a number, so that a
/// `Cell` stays plain data. Clusters are few (emoji sequences, combining marks); the table is
/// bounded all the same.
final class GraphemeClusters: Sendable {
    /// A session sees a few hundred distinct clusters; 65,536 of at most 16 scalars bounds a
    /// pathological stream of them (a few megabytes), after which cells show the first scalar.
    static let shared = GraphemeClusters(capacity: 1 << 16)

    let capacity: Int
    /// Longest cluster kept (emoji ZWJ sequences run to about 10 scalars).
    static let maxScalars = 16

    init(capacity: Int) { self.capacity = capacity }

    private struct Table {
        var ids: [[UInt32]: UInt32] = [:]
        var clusters: [Character] = []
    }

    private let table = Locked(Table())

    /// The number of `cluster`, adding it if new; nil once the table is full.
    func id(of cluster: Character) -> UInt32? {
        // Keyed by the exact scalars (String keys would merge canonically equivalent
        // spellings), so a cell paints exactly what was written.
        let key = cluster.unicodeScalars.map(\.value)
        // A "cluster" of dozens of combining marks (zalgo text) is shown by its first scalar: the
        // table bounds both how many clusters it keeps and how long each may be.
        guard key.count <= GraphemeClusters.maxScalars else { return nil }
        return table.withLock { t in
            if let id = t.ids[key] { return id }
            guard t.clusters.count < capacity else { return nil }
            let id = UInt32(t.clusters.count)
            t.ids[key] = id
            t.clusters.append(cluster)
            return id
        }
    }

    func character(_ id: UInt32) -> Character {
        table.withLock { t in Int(id) < t.clusters.count ? t.clusters[Int(id)] : " " }
    }
}
