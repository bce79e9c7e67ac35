// Display width of text in terminal columns, plus the string helpers built on it (truncation with
// an ellipsis, padding, wrapping).
//
// Why: a terminal grid is measured in columns, not characters or bytes. "日本" takes 4 columns,
// "é" written as e + U+0301 takes 1, "👍" takes 2. Every layout decision in TerminalKit goes
// through `DisplayWidth`, so all widgets agree with each other and with what ncurses paints.
// A grapheme cluster (Swift `Character`) is as wide as its first code point (what ncurses and the
// terminal use); the code points after it are drawn on top of it.

/// Column widths of characters and strings.
public enum DisplayWidth {
    /// Width in columns of one Unicode scalar: 0 (combining / format / control), 1 or 2.
    @inlinable
    public static func of(scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v >= 0x20 ? 1 : 0 }
        if v < 0xA0 { return 0 }  // DEL and C1 controls
        if v < 0x300 { return 1 }  // Latin-1 and Latin Extended: never wide, never combining
        return tableWidth(v)
    }

    @usableFromInline
    static func tableWidth(_ v: UInt32) -> Int {
        if contains(WidthTables.doubleWidth, v) { return 2 }
        if contains(WidthTables.zeroWidth, v) { return 0 }
        return 1
    }

    /// Binary search over sorted, non-overlapping inclusive ranges.
    static func contains(_ ranges: [(UInt32, UInt32)], _ v: UInt32) -> Bool {
        var lo = 0
        var hi = ranges.count - 1
        if hi < 0 || v < ranges[0].0 || v > ranges[hi].1 { return false }
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let r = ranges[mid]
            if v < r.0 {
                hi = mid - 1
            } else if v > r.1 {
                lo = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Width in columns of one grapheme cluster: 0, 1 or 2.
    ///
    /// Control characters count as 0; callers that draw text replace them first
    /// (see `DisplayWidth.sanitized(_:)`).
    @inlinable
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue {
            return (ascii >= 0x20 && ascii < 0x7F) ? 1 : 0
        }
        guard let first = character.unicodeScalars.first else { return 0 }
        let w = of(scalar: first)
        if w == 0 {
            // A cluster led by a zero-width scalar (e.g. a stray combining mark) still occupies
            // space if anything after it is visible.
            for s in character.unicodeScalars.dropFirst() {
                let sw = of(scalar: s)
                if sw > 0 { return sw }
            }
        }
        return w
    }

    /// Width in columns of a string.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        if let simple = simpleWidth(text) { return simple }
        var total = 0
        for ch in text { total += of(ch) }
        return total
    }

    /// Whether a scalar is always one column and always a grapheme cluster of its own: printable
    /// ASCII and Latin, and the punctuation, arrows, box drawing and symbols the views draw
    /// (those of them that are not wide). Nothing in these ranges combines with its neighbours.
    @inlinable
    static func isSimple(_ v: UInt32) -> Bool {
        if v >= 0x20 && v < 0x7F { return true }
        if v >= 0xA0 && v < 0x300 { return true }
        if (v >= 0x2010 && v < 0x2028) || (v >= 0x2190 && v < 0x2200) || (v >= 0x2500 && v < 0x2800) {
            return tableWidth(v) == 1
        }
        return false
    }

    /// The width of a string made of simple scalars (see `isSimple`) and ASCII control
    /// characters (which take no column, as they do character by character; "\r\n" too), counted
    /// scalar by scalar; nil for any other text, and with `rejectingControls` also for text with a
    /// control character (then the width is the number of scalars, one cell each). Views measure
    /// and write every cell of every row each frame: this keeps that cheap.
    @usableFromInline
    static func simpleWidth<S: StringProtocol>(_ text: S, rejectingControls: Bool = false) -> Int? {
        var total = 0
        for b in text.utf8 {
            if b >= 0x80 { return simpleScalarWidth(text, rejectingControls: rejectingControls) }
            if b >= 0x20 && b < 0x7F { total += 1 } else if rejectingControls { return nil }
        }
        return total
    }

    private static func simpleScalarWidth<S: StringProtocol>(_ text: S, rejectingControls: Bool) -> Int? {
        var total = 0
        for u in text.unicodeScalars {
            let v = u.value
            if v < 0x20 || v == 0x7F {
                if rejectingControls { return nil }
                continue
            }
            guard isSimple(v) else { return nil }
            total += 1
        }
        return total
    }

    /// Whether the character is a control character that must not reach the terminal.
    @inlinable
    public static func isControl(_ character: Character) -> Bool {
        guard let first = character.unicodeScalars.first else { return false }
        return isControl(scalarValue: first.value)
    }

    /// Whether a scalar is a C0 or C1 control character or DEL.
    @inlinable
    public static func isControl(scalarValue v: UInt32) -> Bool {
        v < 0x20 || (v >= 0x7F && v < 0xA0)
    }

    /// Replaces control characters (tabs, newlines, escapes) with spaces so that a string can be
    /// drawn on one line without moving the terminal cursor.
    public static func sanitized(_ text: String) -> String {
        if !hasControl(text) { return text }
        return String(text.map { isControl($0) ? " " : $0 })
    }

    /// Whether `text` holds a C0 or C1 control character or DEL (a byte scan: labels and rows
    /// are checked on every frame).
    static func hasControl(_ text: String) -> Bool {
        var afterC2 = false
        for b in text.utf8 {
            if b < 0x20 || b == 0x7F || (afterC2 && b < 0xA0) { return true }
            afterC2 = b == 0xC2
        }
        return false
    }

    /// The ellipsis used when text is cut short.
    public static let ellipsis: Character = "…"

    /// Returns `text` cut to at most `width` columns. When anything is cut, the last column holds
    /// "…" (unless `ellipsis` is false). Never splits a grapheme cluster or a wide character.
    public static func truncate(_ text: String, to width: Int, ellipsis: Bool = true) -> String {
        if width <= 0 { return "" }
        if of(text) <= width { return text }
        let budget = ellipsis ? width - 1 : width
        if simpleWidth(text) != nil {
            // Simple text: every scalar is its own character, so cut between scalars. A control
            // character takes no column, so "\r\n" is never split.
            var used = 0
            var end = text.unicodeScalars.startIndex
            for i in text.unicodeScalars.indices {
                let v = text.unicodeScalars[i].value
                let w = v < 0x20 || v == 0x7F ? 0 : 1
                if used + w > budget { break }
                used += w
                end = text.unicodeScalars.index(after: i)
            }
            var out = String(text.unicodeScalars[..<end])
            if ellipsis { out.append(Self.ellipsis) }
            return out
        }
        var out = ""
        var used = 0
        for ch in text {
            let w = of(ch)
            if used + w > budget { break }
            out.append(ch)
            used += w
        }
        if ellipsis { out.append(Self.ellipsis) }
        return out
    }

    /// Like `truncate` but cuts from the start, keeping the end visible ("…ong/path/name").
    public static func truncateLeading(_ text: String, to width: Int) -> String {
        if width <= 0 { return "" }
        if of(text) <= width { return text }
        let budget = width - 1
        var kept: [Character] = []
        var used = 0
        for ch in text.reversed() {
            let w = of(ch)
            if used + w > budget { break }
            kept.append(ch)
            used += w
        }
        return String(Self.ellipsis) + String(kept.reversed())
    }

    /// Text alignment inside a fixed number of columns.
    public enum Alignment: Sendable, Hashable {
        case left, center, right
    }

    /// Truncates (with ellipsis) or pads with spaces so the result is exactly `width` columns.
    public static func fit(_ text: String, to width: Int, alignment: Alignment = .left) -> String {
        if width <= 0 { return "" }
        var t = truncate(text, to: width)
        let w = of(t)
        // A wide character that did not fit can leave the result one column short.
        let pad = max(0, width - w)
        switch alignment {
        case .left:
            t += String(repeating: " ", count: pad)
        case .right:
            t = String(repeating: " ", count: pad) + t
        case .center:
            let left = pad / 2
            t = String(repeating: " ", count: left) + t + String(repeating: " ", count: pad - left)
        }
        return t
    }

    /// Word-wraps text into lines of at most `width` columns. Explicit newlines are kept; words
    /// longer than a line are broken at character boundaries.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                let w = String(word)
                let ww = of(w)
                if lineWidth == 0 {
                    // start of line
                } else if lineWidth + 1 + ww <= width {
                    line += " "
                    lineWidth += 1
                } else {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                if ww <= width - lineWidth {
                    line += w
                    lineWidth += ww
                } else {
                    // Break an over-long word across lines.
                    for ch in w {
                        let cw = of(ch)
                        if lineWidth + cw > width {
                            lines.append(line)
                            line = ""
                            lineWidth = 0
                        }
                        line.append(ch)
                        lineWidth += cw
                    }
                }
            }
            lines.append(line)
        }
        return lines
    }
}

extension StringProtocol {
    /// Width of the string in terminal columns (see `DisplayWidth`).
    public var displayWidth: Int { DisplayWidth.of(self) }
}

extension Character {
    /// Width of the character in terminal columns (see `DisplayWidth`).
    public var displayWidth: Int { DisplayWidth.of(self) }
}
