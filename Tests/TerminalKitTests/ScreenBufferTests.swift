import Testing
import TerminalKit

@Suite("Screen buffer")
struct ScreenBufferTests {
    @Test("Writing wide and combining text fills the right cells")
    func writeUnicode() {
        var b = ScreenBuffer(width: 20, height: 2)
        let used = b.write("Größe ✓ 日本", x: 1, y: 0, style: .plain)
        #expect(used == 12)
        #expect(b.line(0) == " Größe ✓ 日本")
        #expect(b[9, 0].character == "日")
        #expect(b[9, 0].width == 2)
        #expect(b[10, 0].isContinuation)
        #expect(b[11, 0].character == "本")
        b.write("e\u{301}👍", x: 0, y: 1, style: .plain)
        #expect(b[0, 1].character == "e\u{301}")
        #expect(b[1, 1].character == "👍")
        #expect(b[2, 1].isContinuation)
        #expect(b.line(1) == "e\u{301}👍")
    }

    @Test("Clipping: a wide character that does not fit becomes a space")
    func clipping() {
        var b = ScreenBuffer(width: 5, height: 1)
        b.write("ab日本", x: 0, y: 0, style: .plain)
        // "ab日" uses 4 columns; "本" would need columns 4-5.
        #expect(b.rowText(0) == "ab日 ")
        var c = ScreenBuffer(width: 10, height: 1)
        c.write("日本語", x: 0, y: 0, style: .plain, clip: Rect(x: 0, y: 0, width: 3, height: 1))
        #expect(c.line(0) == "日")
        #expect(c[2, 0].character == " ")
        // Off-screen writes are ignored.
        var d = ScreenBuffer(width: 3, height: 1)
        #expect(d.write("abc", x: 5, y: 0, style: .plain) >= 0)
        d.write("abc", x: 0, y: 3, style: .plain)
        d.write("abcdef", x: -2, y: 0, style: .plain)
        #expect(d.rowText(0) == "cde")
        // maxWidth clips too.
        var e = ScreenBuffer(width: 10, height: 1)
        e.write("abcdef", x: 0, y: 0, style: .plain, maxWidth: 3)
        #expect(e.line(0) == "abc")
    }

    @Test("A wide character cut by the left clip edge shows a space in its visible half")
    func leftClip() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.write("日本", x: 0, y: 0, style: .plain, clip: Rect(x: 1, y: 0, width: 5, height: 1))
        #expect(b.rowText(0) == "  本  ")
        #expect(!b[1, 0].isContinuation)
    }

    @Test("Overwriting half of a wide character blanks the other half")
    func overwriteHalf() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.write("日本", x: 0, y: 0, style: .plain)
        b.put("x", x: 1, y: 0, style: .plain)  // right half of 日
        #expect(b.rowText(0) == " x本  ")
        b.put("y", x: 2, y: 0, style: .plain)  // left half of 本
        #expect(b.rowText(0) == " xy   ")
        #expect(!b[3, 0].isContinuation)
        // A wide character written over a narrow one then a wide one.
        b.write("ab日本", x: 0, y: 0, style: .plain)
        b.put("語", x: 3, y: 0, style: .plain)  // over the right half of 日 and the left of 本
        #expect(b.rowText(0) == "ab 語 ")
    }

    @Test("Controls and lone zero-width characters are never stored")
    func controls() {
        var b = ScreenBuffer(width: 5, height: 1)
        b.write("a\tb", x: 0, y: 0, style: .plain)
        #expect(b.rowText(0) == "a b  ")
        #expect(b.put("\u{301}", x: 4, y: 0, style: .plain) == 0)
    }

    @Test("Fill, restyle, box and find")
    func drawing() {
        var b = ScreenBuffer(width: 12, height: 4)
        let bold = Style(attributes: .bold)
        b.fill(Rect(x: 0, y: 0, width: 12, height: 4), style: .plain, character: ".")
        b.drawBox(Rect(x: 0, y: 0, width: 12, height: 4), style: .plain, title: "Title")
        #expect(b.line(0) == "╭ Title ───╮")
        #expect(b.line(1) == "│..........│")
        #expect(b.line(3) == "╰──────────╯")
        b.restyle(Rect(x: 1, y: 1, width: 2, height: 1)) { $0.adding(.bold) }
        #expect(b[1, 1].style == bold)
        #expect(b[3, 1].style == .plain)
        b.write("日本", x: 4, y: 2, style: .plain)
        #expect(b.find("本") == Point(x: 6, y: 2))
        #expect(b.contains("日本"))
        #expect(!b.contains("nope"))
        // Tiny boxes do not crash.
        var t = ScreenBuffer(width: 1, height: 1)
        t.drawBox(t.bounds, style: .plain, title: "x")
        t.drawBox(Rect(x: -3, y: -3, width: 2, height: 2), style: .plain)
        var z = ScreenBuffer(width: 0, height: 0)
        z.write("abc", x: 0, y: 0, style: .plain)
        z.fill(Rect(x: 0, y: 0, width: 5, height: 5), style: .plain)
        #expect(z.text == "")
    }

    @Test("Fill with a wide character")
    func fillWide() {
        var b = ScreenBuffer(width: 5, height: 1)
        b.fill(b.bounds, style: .plain, character: "日")
        #expect(b.rowText(0) == "日日 ")
    }

    @Test("Diff of identical frames is empty")
    func diffIdentical() {
        var a = ScreenBuffer(width: 10, height: 3)
        a.write("hello", x: 0, y: 0, style: .plain)
        let d = a.diff(from: a)
        #expect(d.isEmpty)
        #expect(d.cellCount == 0)
    }

    @Test("Diff without a previous frame or after a resize repaints everything")
    func diffFull() {
        let a = ScreenBuffer(width: 4, height: 2)
        let d = a.diff(from: nil)
        #expect(d.isFullRepaint)
        #expect(d.runs.count == 2)
        #expect(d.cellCount == 8)
        let b = ScreenBuffer(width: 5, height: 2)
        #expect(b.diff(from: a).isFullRepaint)
    }

    @Test("Diff returns only the changed runs")
    func diffRuns() {
        let a = ScreenBuffer(width: 10, height: 3)
        var b = a
        b.write("ab", x: 2, y: 0, style: .plain)
        b.write("z", x: 8, y: 2, style: .plain)
        let d = b.diff(from: a)
        #expect(!d.isFullRepaint)
        #expect(d.runs.count == 2)
        #expect(d.runs[0] == CellRun(x: 2, y: 0, cells: [Cell("a"), Cell("b")]))
        #expect(d.runs[1].x == 8 && d.runs[1].y == 2 && d.runs[1].text == "z")
        // Style-only changes count.
        var c = b
        c.restyle(Rect(x: 2, y: 0, width: 1, height: 1)) { $0.adding(.reverse) }
        let d2 = c.diff(from: b)
        #expect(d2.runs.count == 1)
        #expect(d2.runs[0].cells.count == 1)
    }

    @Test("Diff keeps wide characters whole")
    func diffWide() {
        var a = ScreenBuffer(width: 8, height: 1)
        a.write("日本", x: 0, y: 0, style: .plain)
        var b = a
        // Change only the style of the continuation half: the run must start at the lead cell.
        b.restyle(Rect(x: 1, y: 0, width: 1, height: 1)) { $0.adding(.bold) }
        let d = b.diff(from: a)
        #expect(d.runs.count == 1)
        #expect(d.runs[0].x == 0)
        #expect(d.runs[0].cells.count == 2)
        // Change the lead only: the continuation is included.
        var c = a
        c.restyle(Rect(x: 2, y: 0, width: 1, height: 1)) { $0.adding(.bold) }
        let d2 = c.diff(from: a)
        #expect(d2.runs[0].x == 2)
        #expect(d2.runs[0].cells.count == 2)
        #expect(d2.runs[0].text == "本")
    }

    @Test("Text dump trims trailing spaces")
    func textDump() {
        var b = ScreenBuffer(width: 6, height: 2)
        b.write("ab", x: 0, y: 0, style: .plain)
        b.write("日", x: 2, y: 1, style: .plain)
        #expect(b.text == "ab\n  日")
    }
}
