import TestSupport
import Testing

@testable import TerminalKit

/// The plain-data cell, the ASCII write paths and the allocation-free change walk: each must
/// behave exactly like the general code it shortcuts.
@Suite("Packed cells and fast paths")
struct PackedCellTests {
    @Test("A cell is 16 bytes of plain data")
    func layout() {
        #expect(MemoryLayout<Cell>.size == 16)
        #expect(MemoryLayout<Cell>.stride == 16)
        #expect(_isPOD(Cell.self))
    }

    @Test("Clusters of several scalars read back exactly, and equal clusters make equal cells")
    func clusters() {
        let family = Character("👨\u{200D}👩\u{200D}👧")
        let decomposed = Character("e\u{301}")
        let a = Cell(family, style: .plain)
        #expect(a.character == family)
        #expect(a.character.unicodeScalars.count == 5)
        #expect(a.scalar == nil)
        #expect(a.width == 2)
        #expect(Cell(family, style: .plain) == a)
        let b = Cell(decomposed, style: .plain)
        #expect(Array(b.character.unicodeScalars) == Array(decomposed.unicodeScalars))
        #expect(b != a)
        // One scalar is stored as itself.
        #expect(Cell("é", style: .plain).scalar == "é")
        #expect(Cell("é", style: .plain) != b)
    }

    @Test("The cluster table is bounded: once full, new clusters get no number, known ones keep theirs")
    func clusterTableIsBounded() {
        let table = GraphemeClusters(capacity: 2)
        let a = table.id(of: "e\u{301}")
        let b = table.id(of: "👍🏽")
        #expect(a == 0 && b == 1)
        #expect(table.id(of: "a\u{308}") == nil)
        #expect(table.id(of: "e\u{301}") == 0)
        #expect(table.character(1) == "👍🏽")
        #expect(table.character(7) == " ")
        // Zalgo text: a cluster of 30 combining marks is shown by its base letter, not kept.
        let zalgo = Character("a" + String(repeating: "\u{301}", count: 30))
        #expect(GraphemeClusters(capacity: 10).id(of: zalgo) == nil)
        #expect(Cell(zalgo, style: .plain).character == "a")
    }

    @Test("Styles survive packing: every colour kind, attributes, changed in place")
    func stylesRoundTrip() {
        let colours: [TerminalColor] = [.default, .indexed(0), .indexed(255), .rgb(0, 0, 0), .rgb(255, 128, 1)]
        for fg in colours {
            for bg in colours {
                let style = Style(foreground: fg, background: bg, attributes: [.bold, .italic])
                var cell = Cell("x", style: style)
                #expect(cell.style == style)
                #expect(cell.style.foreground == fg)
                #expect(cell.style.background == bg)
                cell.style = cell.style.withBackground(.indexed(3))
                #expect(cell.style.background == .indexed(3))
                #expect(cell.style.foreground == fg)
            }
        }
        // Different colours never compare equal (the packed forms differ by kind).
        #expect(Style(foreground: .indexed(1)) != Style(foreground: .rgb(0, 0, 1)))
        #expect(Style(foreground: .default) != Style(foreground: .indexed(0)))
        #expect(Set([Cell("a", style: .plain), Cell("a", style: .plain), Cell("b", style: .plain)]).count == 2)
    }

    @Test("Truncating writes give what truncate-then-write gives, ASCII or not", arguments: [
        "plain ascii text", "short", "", "exactly10!", "Größe ✓ 日本語のテキスト", "e\u{301}👍 tail", "tab\there",
    ])
    func truncatingWrite(text: String) {
        for columns in [0, 1, 2, 5, 10, 40] {
            for x in [0, 3] {
                var fast = ScreenBuffer(width: 30, height: 1)
                var slow = fast
                let clip = Rect(x: 2, y: 0, width: 20, height: 1)
                let usedFast = fast.write(text, x: x, y: 0, style: .plain, clip: clip, truncatingTo: columns)
                let cut = DisplayWidth.truncate(text, to: columns)
                let usedSlow = slow.write(cut, x: x, y: 0, style: .plain,
                                          clip: clip.intersection(Rect(x: x, y: 0, width: columns, height: 1)))
                #expect(fast == slow, "\(text) at \(x) in \(columns) columns:\n\(fast.text)\nvs\n\(slow.text)")
                #expect(usedFast == usedSlow, "\(text) at \(x) in \(columns) columns")
            }
        }
    }

    @Test("writeLine pads and cuts as before for every alignment")
    func writeLine() {
        var b = ScreenBuffer(width: 12, height: 3)
        b.writeLine("a long line of text", in: Rect(x: 1, y: 0, width: 8, height: 1), style: .plain)
        b.writeLine("mid", in: Rect(x: 1, y: 1, width: 8, height: 1), style: .plain, alignment: .center)
        b.writeLine("ctl\u{1B}x", in: Rect(x: 1, y: 2, width: 8, height: 1), style: .plain)
        #expect(b.rowText(0) == " a long …   ")
        #expect(b.rowText(1) == "   mid      ")
        #expect(b.rowText(2) == " ctl x      ")
    }

    @Test("Control detection by bytes matches the per-character check")
    func controls() {
        for text in ["plain", "tab\t", "del\u{7F}", "c1\u{85}", "nbsp\u{A0}", "é", "\u{9F}", "¡", "日本"] {
            #expect(DisplayWidth.hasControl(text) == text.contains(where: DisplayWidth.isControl), "\(text.debugDescription)")
        }
    }

    @Test("Walking the changes visits exactly the cells of the diff's runs, in order")
    func changeWalkMatchesDiff() {
        var rng = SeededRandom(seed: 42)
        let pieces = ["ab", "日", "x", "👍", "e\u{301}", "  ", "─│", "Zz"]
        for _ in 0..<200 {
            var before = ScreenBuffer(width: 17, height: 4)
            for _ in 0..<12 {
                before.write(pieces[Int(rng.next() % UInt64(pieces.count))], x: Int(rng.next() % 17), y: Int(rng.next() % 4),
                             style: Style(foreground: .indexed(UInt8(rng.next() % 3))))
            }
            var after = before
            for _ in 0..<Int(rng.next() % 6) {
                after.write(pieces[Int(rng.next() % UInt64(pieces.count))], x: Int(rng.next() % 17), y: Int(rng.next() % 4),
                            style: Style(foreground: .indexed(UInt8(rng.next() % 3))))
            }
            var visited: [(Int, Int, Cell)] = []
            let full = after.forEachChange(from: before) { visited.append(($0, $1, $2)) }
            let diff = after.diff(from: before)
            #expect(!full)
            let expected = diff.runs.flatMap { run in run.cells.enumerated().map { (run.x + $0.offset, run.y, $0.element) } }
            #expect(visited.count == expected.count)
            #expect(zip(visited, expected).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 })
            // Independently of the diff (built on the same walk): painting the visited cells over
            // the old frame gives the new one, styles included, and every changed cell was visited.
            var painted = before
            for (x, y, cell) in visited where !cell.isContinuation { painted.put(cell.character, x: x, y: y, style: cell.style) }
            #expect(painted == after, "\(painted.text)\nvs\n\(after.text)")
            let visitedAt = Set(visited.map { $0.1 * after.width + $0.0 })
            for y in 0..<after.height {
                for x in 0..<after.width where after[x, y] != before[x, y] {
                    #expect(visitedAt.contains(y * after.width + x), "(\(x), \(y)) changed but was not visited")
                }
            }
        }
        var small = ScreenBuffer(width: 3, height: 2)
        small.write("abc", x: 0, y: 0, style: .plain)
        var count = 0
        #expect(small.forEachChange(from: nil) { _, _, _ in count += 1 })
        #expect(count == 6)
    }
}
