// Points, sizes and rectangles in terminal cells, and the layout helpers that split a rectangle
// into rows or columns.
//
// Why: views are pure functions of state, so layout must be cheap, deterministic arithmetic on
// values. All coordinates are zero-based, x to the right, y downwards, in columns/rows.

/// A cell position.
public struct Point: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
    public var description: String { "(\(x),\(y))" }
}

/// A size in columns and rows (also the terminal size).
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    /// "120x40", the way the status bar and the too-small notice print sizes.
    public var description: String { "\(width)x\(height)" }
}

/// Edge distances for insets and margins.
public struct EdgeInsets: Hashable, Sendable {
    public var top: Int
    public var left: Int
    public var bottom: Int
    public var right: Int
    public init(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }
    /// The same inset on every side.
    public static func all(_ n: Int) -> EdgeInsets { EdgeInsets(top: n, left: n, bottom: n, right: n) }
    /// `h` columns left and right, `v` rows top and bottom.
    public static func symmetric(horizontal h: Int = 0, vertical v: Int = 0) -> EdgeInsets {
        EdgeInsets(top: v, left: h, bottom: v, right: h)
    }
}

/// How much of a split one part takes.
public enum LayoutConstraint: Hashable, Sendable {
    /// Exactly `n` cells (less if the space runs out).
    case fixed(Int)
    /// A fraction (0...1) of the whole length, rounded down.
    case fraction(Double)
    /// A share of what is left after fixed and fraction parts, by weight (1 = equal shares).
    case fill(Int = 1)
    /// Like `.fill`, but at least `n` cells when the space allows.
    case min(Int)
}

/// A rectangle of cells. Width and height are never negative.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = Swift.max(0, width)
        self.height = Swift.max(0, height)
    }

    public init(origin: Point, size: Size) {
        self.init(x: origin.x, y: origin.y, width: size.width, height: size.height)
    }

    /// The rectangle covering a whole screen of the given size.
    public init(size: Size) {
        self.init(x: 0, y: 0, width: size.width, height: size.height)
    }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    public var description: String { "Rect(\(x),\(y) \(width)x\(height))" }
    public var size: Size { Size(width: width, height: height) }
    public var origin: Point { Point(x: x, y: y) }
    public var minX: Int { x }
    public var minY: Int { y }
    /// One past the last column.
    public var maxX: Int { x + width }
    /// One past the last row.
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func contains(_ p: Point) -> Bool {
        p.x >= x && p.x < maxX && p.y >= y && p.y < maxY
    }

    /// The overlap of two rectangles (empty when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let x0 = Swift.max(x, other.x)
        let y0 = Swift.max(y, other.y)
        let x1 = Swift.min(maxX, other.maxX)
        let y1 = Swift.min(maxY, other.maxY)
        if x1 <= x0 || y1 <= y0 { return Rect(x: x0, y: y0, width: 0, height: 0) }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The rectangle shrunk by the insets (never below zero size).
    public func inset(by insets: EdgeInsets) -> Rect {
        Rect(
            x: x + insets.left, y: y + insets.top,
            width: width - insets.left - insets.right,
            height: height - insets.top - insets.bottom)
    }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(_ n: Int) -> Rect { inset(by: .all(n)) }

    /// The rectangle shrunk by `h` columns left/right and `v` rows top/bottom.
    public func inset(horizontal h: Int = 0, vertical v: Int = 0) -> Rect {
        inset(by: .symmetric(horizontal: h, vertical: v))
    }

    /// A rectangle of at most the given size, centred in this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = Swift.min(w, width)
        let ch = Swift.min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// The top `n` rows.
    public func top(_ n: Int) -> Rect { Rect(x: x, y: y, width: width, height: Swift.min(n, height)) }
    /// The bottom `n` rows.
    public func bottom(_ n: Int) -> Rect {
        let h = Swift.min(n, height)
        return Rect(x: x, y: maxY - h, width: width, height: h)
    }
    /// The left `n` columns.
    public func left(_ n: Int) -> Rect { Rect(x: x, y: y, width: Swift.min(n, width), height: height) }
    /// The right `n` columns.
    public func right(_ n: Int) -> Rect {
        let w = Swift.min(n, width)
        return Rect(x: maxX - w, y: y, width: w, height: height)
    }
    /// Everything below the top `n` rows.
    public func droppingTop(_ n: Int) -> Rect { inset(by: EdgeInsets(top: Swift.min(n, height))) }
    /// Everything above the bottom `n` rows.
    public func droppingBottom(_ n: Int) -> Rect { inset(by: EdgeInsets(bottom: Swift.min(n, height))) }
    /// Everything right of the left `n` columns.
    public func droppingLeft(_ n: Int) -> Rect { inset(by: EdgeInsets(left: Swift.min(n, width))) }
    /// Everything left of the right `n` columns.
    public func droppingRight(_ n: Int) -> Rect { inset(by: EdgeInsets(right: Swift.min(n, width))) }
    /// Row `i` (relative) as a one-row rectangle.
    public func row(_ i: Int) -> Rect { Rect(x: x, y: y + i, width: width, height: (i >= 0 && i < height) ? 1 : 0) }

    /// Splits the rectangle into horizontal bands (stacked top to bottom).
    public func splitRows(_ constraints: [LayoutConstraint], spacing: Int = 0) -> [Rect] {
        let lengths = Rect.distribute(height, constraints, spacing: spacing)
        var out: [Rect] = []
        var cy = y
        for len in lengths {
            out.append(Rect(x: x, y: cy, width: width, height: len))
            cy += len + spacing
        }
        return out
    }

    /// Splits the rectangle into vertical bands (side by side, left to right).
    public func splitColumns(_ constraints: [LayoutConstraint], spacing: Int = 0) -> [Rect] {
        let lengths = Rect.distribute(width, constraints, spacing: spacing)
        var out: [Rect] = []
        var cx = x
        for len in lengths {
            out.append(Rect(x: cx, y: y, width: len, height: height))
            cx += len + spacing
        }
        return out
    }

    /// Shares `total` cells between constraints. Fixed and fraction parts are served first (in
    /// order, until space runs out), `.min` parts get their minimum next, and what remains goes to
    /// fill/min parts by weight. Rounding leftovers go to the earliest flexible parts, so the
    /// lengths always add up to the space available (when anything is flexible).
    public static func distribute(_ total: Int, _ constraints: [LayoutConstraint], spacing: Int = 0) -> [Int] {
        let n = constraints.count
        if n == 0 { return [] }
        var remaining = Swift.max(0, total - spacing * (n - 1))
        var lengths = [Int](repeating: 0, count: n)
        let whole = remaining
        for (i, c) in constraints.enumerated() {
            switch c {
            case .fixed(let v):
                let l = Swift.min(Swift.max(0, v), remaining)
                lengths[i] = l
                remaining -= l
            case .fraction(let f):
                let l = Swift.min(Swift.max(0, Int((Double(whole) * f).rounded(.down))), remaining)
                lengths[i] = l
                remaining -= l
            case .fill, .min:
                break
            }
        }
        for (i, c) in constraints.enumerated() {
            if case .min(let m) = c {
                let l = Swift.min(Swift.max(0, m), remaining)
                lengths[i] = l
                remaining -= l
            }
        }
        var weights: [(Int, Int)] = []
        for (i, c) in constraints.enumerated() {
            switch c {
            case .fill(let w): weights.append((i, Swift.max(0, w)))
            case .min: weights.append((i, 1))
            default: break
            }
        }
        let totalWeight = weights.reduce(0) { $0 + $1.1 }
        if totalWeight > 0 && remaining > 0 {
            var given = 0
            for (i, w) in weights {
                let share = remaining * w / totalWeight
                lengths[i] += share
                given += share
            }
            var left = remaining - given
            var k = 0
            while left > 0 && !weights.isEmpty {
                let (i, w) = weights[k % weights.count]
                if w > 0 {
                    lengths[i] += 1
                    left -= 1
                }
                k += 1
            }
        }
        return lengths
    }
}
