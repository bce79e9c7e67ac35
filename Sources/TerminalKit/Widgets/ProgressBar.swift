// A progress bar with eighth-block precision: "████▌     42%".
//
// Why eighths: in a 20-column bar, whole blocks move in 5% steps; the partial blocks
// (▏▎▍▌▋▊▉) make slow uploads visibly move. An indeterminate bar (nil fraction) shows a block
// sliding by `phase`, which the app advances on its tick.

public struct ProgressBar: Widget, Hashable, Sendable {
    /// 0...1, or nil when the total is unknown.
    public var fraction: Double?
    /// Text before the bar.
    public var label: String
    public var showsPercentage: Bool
    /// Animation step for the indeterminate bar.
    public var phase: Int

    public init(fraction: Double?, label: String = "", showsPercentage: Bool = true, phase: Int = 0) {
        self.fraction = fraction
        self.label = label
        self.showsPercentage = showsPercentage
        self.phase = phase
    }

    /// Partial blocks, index = eighths filled (1...7).
    static let partials: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The bar text for `width` columns (no label/percentage).
    public static func bar(fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let f = fraction.isFinite ? Swift.min(Swift.max(0, fraction), 1) : 0
        let eighths = Int((f * Double(width * 8)).rounded(.down))
        let full = eighths / 8
        let rest = eighths % 8
        var s = String(repeating: "█", count: full)
        if full < width {
            if rest > 0 { s.append(partials[rest]) } else { s.append(" ") }
            s += String(repeating: " ", count: width - full - 1)
        }
        return s
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard !area.isEmpty else { return }
        var line = area.row(0)
        buffer.fill(line, style: theme.style(.text))
        if !label.isEmpty {
            let lw = Swift.min(label.displayWidth + 1, line.width / 2)
            buffer.writeLine(label, in: line.left(lw), style: theme.style(.text))
            line = line.droppingLeft(lw)
        }
        var percentText = ""
        if showsPercentage, let f = fraction {
            let pct = Int((Swift.min(Swift.max(0, f.isFinite ? f : 0), 1) * 100).rounded(.down))
            percentText = " " + String(pct) + "%"
            let pw = percentText.displayWidth
            if line.width > pw + 2 {
                buffer.writeLine(percentText, in: line.right(pw), style: theme.style(.text), alignment: .right)
                line = line.droppingRight(pw)
            }
        }
        guard line.width > 0 else { return }
        let fill = theme.style(.progress)
        let track = theme.style(.progressTrack)
        if let f = fraction {
            let text = ProgressBar.bar(fraction: f, width: line.width)
            var x = line.x
            for ch in text {
                // The unfilled part shows a faint track so an empty bar is still visible.
                if ch == " " {
                    buffer.put("░", x: x, y: line.y, style: track, clip: line)
                } else {
                    buffer.put(ch, x: x, y: line.y, style: fill, clip: line)
                }
                x += 1
            }
        } else {
            let blockWidth = Swift.max(1, line.width / 5)
            let span = Swift.max(1, line.width - blockWidth)
            let cycle = span * 2
            let p = ((phase % cycle) + cycle) % cycle
            let start = p <= span ? p : cycle - p
            for i in 0..<line.width {
                let inBlock = i >= start && i < start + blockWidth
                buffer.put(inBlock ? "█" : "░", x: line.x + i, y: line.y, style: inBlock ? fill : track, clip: line)
            }
        }
    }
}
