// The "terminal too small" notice.
//
// Why: layouts assume a minimum size (80x24 by default). Below it the app draws this notice
// instead of its screens, so nothing has to handle absurd sizes, and the notice itself degrades
// step by step down to a 1x1 terminal without ever indexing outside the buffer.

/// Checks the terminal size against a minimum and draws the notice when it is too small.
public struct MinimumSizeGuard: Hashable, Sendable {
    public var minimum: Size

    public init(minimum: Size = Size(width: 80, height: 24)) {
        self.minimum = minimum
    }

    public func isTooSmall(_ size: Size) -> Bool {
        size.width < minimum.width || size.height < minimum.height
    }

    /// "Terminal too small: 60x20, need at least 80x24"
    public func message(for size: Size) -> String {
        "Terminal too small: \(size), need at least \(minimum)"
    }

    /// Shorter forms, tried in order until one fits.
    func candidates(for size: Size) -> [String] {
        [
            message(for: size),
            "Too small: \(size), need \(minimum)",
            "\(size) < \(minimum)",
            "Too small",
            "\(minimum)",
            "!",
        ]
    }

    /// Clears the whole buffer and draws the notice centred in it.
    public func render(into buffer: inout ScreenBuffer, theme: Theme) {
        let area = buffer.bounds
        buffer.fill(area, style: theme.style(.background))
        buffer.cursor = nil
        guard !area.isEmpty else { return }
        var lines: [String] = ["!"]
        for text in candidates(for: buffer.size) {
            let wrapped = wrapWords(text, width: area.width)
            if let wrapped, wrapped.count <= area.height {
                lines = wrapped
                break
            }
        }
        let top = area.y + Swift.max(0, (area.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < area.maxY {
            let w = line.displayWidth
            let x = area.x + Swift.max(0, (area.width - w) / 2)
            let style = i == 0 ? theme.style(.warning) : theme.style(.text)
            buffer.write(line, x: x, y: top + i, style: style, clip: area)
        }
    }

    /// Word wrap that refuses to split words (nil when a word is wider than the line).
    private func wrapWords(_ text: String, width: Int) -> [String]? {
        let words = text.split(separator: " ").map(String.init)
        if words.contains(where: { $0.displayWidth > width }) { return nil }
        return DisplayWidth.wrap(text, width: width)
    }
}
