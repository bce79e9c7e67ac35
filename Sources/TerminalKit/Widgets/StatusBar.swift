// The status bar: left, centre and right segments on one line.
//
// Why priorities: on narrow terminals something must give. The right segment (usually the
// terminal size, counters or key hints) is kept whole first, then the left (mode, screen name);
// the centre gets what is left, and each is truncated with "…" rather than overlapping.

public struct StatusBar: Widget, Hashable, Sendable {
    /// A piece of text with its own role (e.g. `.statusAccent` for the mode name).
    public struct Segment: Hashable, Sendable {
        public var text: String
        public var role: ThemeRole
        public init(_ text: String, role: ThemeRole = .statusText) {
            self.text = text
            self.role = role
        }
    }

    public var left: [Segment]
    public var center: [Segment]
    public var right: [Segment]

    public init(left: [Segment] = [], center: [Segment] = [], right: [Segment] = []) {
        self.left = left
        self.center = center
        self.right = right
    }

    /// Plain text segments.
    public init(left: String = "", center: String = "", right: String = "") {
        self.left = left.isEmpty ? [] : [Segment(left)]
        self.center = center.isEmpty ? [] : [Segment(center)]
        self.right = right.isEmpty ? [] : [Segment(right)]
    }

    private static func width(_ segs: [Segment]) -> Int { segs.reduce(0) { $0 + $1.text.displayWidth } }

    private static func draw(_ segs: [Segment], x: Int, in line: Rect, maxWidth: Int, into buffer: inout ScreenBuffer, theme: Theme) {
        var cx = x
        var budget = maxWidth
        for (i, s) in segs.enumerated() where budget > 0 {
            let isLast = i == segs.count - 1
            let remainingAfter = Self.width(Array(segs.dropFirst(i + 1)))
            let text = (budget >= s.text.displayWidth + remainingAfter || isLast)
                ? DisplayWidth.truncate(s.text, to: budget)
                : DisplayWidth.truncate(s.text, to: Swift.max(0, budget - Swift.min(remainingAfter, 1)))
            let used = buffer.write(text, x: cx, y: line.y, style: theme.style(s.role, on: .statusBar), clip: line)
            cx += used
            budget -= used
        }
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool = false) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        buffer.fill(line, style: theme.style(.statusBar))
        let inner = line.width > 2 ? line.inset(horizontal: 1) : line
        let total = inner.width
        let rw = Swift.min(Self.width(right), total)
        let lw = Swift.min(Self.width(left), Swift.max(0, total - rw - (rw > 0 ? 1 : 0)))
        if rw > 0 {
            Self.draw(right, x: inner.maxX - rw, in: inner, maxWidth: rw, into: &buffer, theme: theme)
        }
        if lw > 0 {
            Self.draw(left, x: inner.x, in: inner, maxWidth: lw, into: &buffer, theme: theme)
        }
        // Centre: centred on the whole line if it fits there, otherwise in the gap.
        let gapStart = inner.x + lw + (lw > 0 ? 1 : 0)
        let gapEnd = inner.maxX - rw - (rw > 0 ? 1 : 0)
        let gap = gapEnd - gapStart
        let cw = Self.width(center)
        if gap > 0 && cw > 0 {
            let ideal = inner.x + (total - cw) / 2
            let x = Swift.min(Swift.max(ideal, gapStart), Swift.max(gapStart, gapEnd - cw))
            Self.draw(center, x: x, in: inner, maxWidth: Swift.min(cw, gapEnd - x), into: &buffer, theme: theme)
        }
    }
}
