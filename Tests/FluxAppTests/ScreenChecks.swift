import TerminalKit
@testable import FluxApp

/// What a person would see wrong on a drawn screen, as messages (none when the screen is sound):
/// a glyph hanging off the right edge or cut in half, a box with a gap in its border, the status
/// bar missing from the last row or something drawn over it, a blank screen where the
/// "too small" notice belongs.
enum ScreenChecks {
    static func problems(_ buffer: ScreenBuffer, _ state: AppState, theme: Theme) -> [String] {
        var problems = cellsFitTheScreen(buffer)
        if state.minimumSize.isTooSmall(state.size) {
            problems += tooSmallNotice(buffer, state)
        } else {
            problems += bordersAreClosed(buffer)
            problems += statusBarOnTheLastRow(buffer, state, theme: theme)
        }
        return problems
    }

    /// Every row is exactly as wide as the terminal: a wide glyph has its second column on the
    /// screen, no half of one stands alone, and each cell is as wide as its character.
    static func cellsFitTheScreen(_ buffer: ScreenBuffer) -> [String] {
        var problems: [String] = []
        for y in 0..<buffer.height {
            var x = 0
            while x < buffer.width {
                let cell = buffer[x, y]
                if cell.isContinuation {
                    problems.append("(\(x), \(y)): the second half of a wide glyph with no first half")
                    x += 1
                    continue
                }
                let width = DisplayWidth.of(cell.character)
                if width != Int(cell.width), !(width == 0 && cell.width == 1) {
                    problems.append("(\(x), \(y)): \(String(cell.character).debugDescription) takes \(width) columns, its cell \(cell.width)")
                }
                if cell.width == 2 {
                    if x + 1 >= buffer.width {
                        problems.append("(\(x), \(y)): a wide glyph hangs off the right edge")
                    } else if !buffer[x + 1, y].isContinuation {
                        problems.append("(\(x), \(y)): a wide glyph's second column was overwritten")
                    }
                    x += 2
                } else {
                    x += 1
                }
            }
        }
        return problems
    }

    /// Every box that starts with a top-left corner is closed, unless the gap lies under another,
    /// closed box drawn over it (a dialog over a panel).
    static func bordersAreClosed(_ buffer: ScreenBuffer) -> [String] {
        var closed: [Rect] = []
        var open: [(corner: Point, gap: Point)] = []
        for glyphs in [ScreenBuffer.BorderGlyphs.rounded, .single, .heavy] {
            for y in 0..<buffer.height {
                for x in 0..<buffer.width where buffer[x, y].character == glyphs.topLeft {
                    switch trace(buffer, glyphs, from: Point(x: x, y: y)) {
                    case .success(let box): closed.append(box)
                    case .failure(let gap): open.append((Point(x: x, y: y), gap.point))
                    }
                }
            }
        }
        return open.filter { box in !closed.contains { $0.contains(box.gap) } }.map {
            "the box at (\($0.corner.x), \($0.corner.y)) is open at (\($0.gap.x), \($0.gap.y))"
        }
    }

    struct Gap: Error { let point: Point }

    /// Follows a border from its top-left corner: down the left edge, along the bottom, up the
    /// right edge to the top-right corner (the top edge holds the title, so it is not read).
    static func trace(_ buffer: ScreenBuffer, _ glyphs: ScreenBuffer.BorderGlyphs, from corner: Point) -> Result<Rect, Gap> {
        func glyph(_ x: Int, _ y: Int) -> Character? {
            x < buffer.width && y < buffer.height ? buffer[x, y].character : nil
        }
        var bottom = corner.y + 1
        while glyph(corner.x, bottom) == glyphs.vertical { bottom += 1 }
        guard glyph(corner.x, bottom) == glyphs.bottomLeft else { return .failure(Gap(point: Point(x: corner.x, y: bottom))) }
        var right = corner.x + 1
        while glyph(right, bottom) == glyphs.horizontal { right += 1 }
        guard glyph(right, bottom) == glyphs.bottomRight else { return .failure(Gap(point: Point(x: right, y: bottom))) }
        for y in stride(from: bottom - 1, to: corner.y, by: -1) where glyph(right, y) != glyphs.vertical {
            return .failure(Gap(point: Point(x: right, y: y)))
        }
        guard glyph(right, corner.y) == glyphs.topRight else { return .failure(Gap(point: Point(x: right, y: corner.y))) }
        return .success(Rect(x: corner.x, y: corner.y, width: right - corner.x + 1, height: bottom - corner.y + 1))
    }

    /// The last row is the status bar, whatever screen or overlay is up: cell for cell what the
    /// status bar draws on its own, so nothing was drawn over it.
    static func statusBarOnTheLastRow(_ buffer: ScreenBuffer, _ state: AppState, theme: Theme) -> [String] {
        var alone = ScreenBuffer(size: Size(width: buffer.width, height: 1), style: theme.style(.background))
        AppView.statusBar(state).render(into: &alone, in: alone.bounds, theme: theme)
        let last = buffer.height - 1
        guard let x = (0..<buffer.width).first(where: { buffer[$0, last] != alone[$0, 0] }) else { return [] }
        return ["the last row is not the status bar from column \(x): \(buffer.rowText(last).debugDescription)"]
    }

    /// Below the minimum size the screen is not blank: it shows the notice, in full when it fits on a row.
    static func tooSmallNotice(_ buffer: ScreenBuffer, _ state: AppState) -> [String] {
        guard buffer.width > 0, buffer.height > 0 else { return [] }
        let shown = (0..<buffer.height).map { buffer.rowText($0) }.joined(separator: " ")
        if shown.allSatisfy({ $0 == " " }) { return ["a blank screen instead of the too-small notice"] }
        let message = state.minimumSize.message(for: state.size)
        if DisplayWidth.of(message) <= buffer.width, !shown.contains(message) {
            return ["the notice \(message.debugDescription) fits but is not shown: \(shown.debugDescription)"]
        }
        if shown.contains("SIMULATOR") { return ["the status bar is drawn under the too-small notice"] }
        return []
    }
}
