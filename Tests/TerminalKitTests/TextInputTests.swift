import Testing
import TerminalKit

@Suite("Text field")
struct TextFieldTests {
    private func field(_ text: String) -> TextField { TextField(text: text) }

    @Test("Typing, cursor moves and deletion")
    func editing() {
        var f = TextField()
        for c in "héllo 日本" { #expect(f.handle(.char(c)) == .changed) }
        #expect(f.text == "héllo 日本")
        #expect(f.handle(.left) == .handled)
        #expect(f.cursor == 7)
        #expect(f.handle(.backspace) == .changed)
        #expect(f.text == "héllo 本")
        #expect(f.handle(.home) == .handled)
        #expect(f.cursor == 0)
        #expect(f.handle(.delete) == .changed)
        #expect(f.text == "éllo 本")
        #expect(f.handle(.backspace) == .handled)  // nothing before the cursor
        #expect(f.handle(.end) == .handled)
        #expect(f.handle(.delete) == .handled)
        #expect(f.handle(.right) == .handled)
        #expect(f.cursor == f.text.count)
    }

    @Test("Readline keys: Ctrl-A/E/K/U/W, Alt-B/F/D")
    func readline() {
        var f = field("one two three")
        _ = f.handle(.ctrl("a"))
        #expect(f.cursor == 0)
        _ = f.handle(.alt("f"))
        #expect(f.cursor == 3)
        _ = f.handle(.alt("f"))
        #expect(f.cursor == 7)
        _ = f.handle(.alt("b"))
        #expect(f.cursor == 4)
        #expect(f.handle(.ctrl("k")) == .changed)
        #expect(f.text == "one ")
        _ = f.handle(.ctrl("e"))
        f.text = "one two three"
        #expect(f.handle(.ctrl("w")) == .changed)
        #expect(f.text == "one two ")
        #expect(f.handle(.ctrl("w")) == .changed)
        #expect(f.text == "one ")
        _ = f.handle(.ctrl("a"))
        #expect(f.handle(.alt("d")) == .changed)
        #expect(f.text == " ")
        f.text = "abc def"
        f.setCursor(4)
        #expect(f.handle(.ctrl("u")) == .changed)
        #expect(f.text == "def")
        #expect(f.cursor == 0)
        #expect(f.handle(.ctrl("b")) == .handled)
        #expect(f.handle(.ctrl("f")) == .handled)
        #expect(f.cursor == 1)
    }

    @Test("Enter submits; Tab, arrows up/down and Esc are left to the parent")
    func outcomes() {
        var f = field("x")
        #expect(f.handle(.enter) == .submitted)
        #expect(f.handle(.tab) == .ignored)
        #expect(f.handle(.up) == .ignored)
        #expect(f.handle(.escape) == .ignored)
    }

    @Test("Paste inserts one line; filters and max length apply")
    func paste() {
        var f = field("a")
        #expect(f.handle(.paste("b\nc\td\u{7}")) == .changed)
        #expect(f.text == "ab c d")
        var n = TextField(filter: .integer)
        _ = n.handle(.char("1"))
        _ = n.handle(.char("x"))
        _ = n.handle(.paste("2a3"))
        #expect(n.text == "123")
        var m = TextField(maxLength: 3)
        _ = m.handle(.paste("abcdef"))
        #expect(m.text == "abc")
        #expect(m.handle(.char("z")) == .handled)
        var d = TextField(filter: .decimal)
        _ = d.handle(.paste("-1.5e3x"))
        #expect(d.text == "-1.5e3")
    }

    @Test("Rendering: text, placeholder, cursor position and focus style")
    func render() {
        let f = field("Größe 日本")
        let b = TerminalKitTests.render(f, width: 20, height: 1)
        #expect(b.line(0) == "Größe 日本")
        #expect(b.cursor == Point(x: 10, y: 0))
        #expect(b[15, 0].style.attributes.contains(.underline))  // the whole field is marked
        let u = TerminalKitTests.render(f, width: 20, height: 1, focused: false)
        #expect(u.cursor == nil)
        let p = TerminalKitTests.render(TextField(placeholder: "type here"), width: 20, height: 1)
        #expect(p.line(0) == "type here")
        #expect(p[0, 0].style.attributes.contains(.dim))
        #expect(p.cursor == Point(x: 0, y: 0))
        let c = TerminalKitTests.render(f, width: 20, height: 1, theme: colorTheme)
        #expect(c[0, 0].style == colorTheme.style(.inputFocused))
    }

    @Test("Long text scrolls to keep the cursor visible, with ellipses")
    func scrolling() {
        var f = field("abcdefghijklmnopqrstuvwxyz")
        let b = TerminalKitTests.render(f, width: 10, height: 1)
        #expect(b.line(0) == "…stuvwxyz")  // ellipsis, 8 characters, the cursor cell
        #expect(b.cursor == Point(x: 9, y: 0))
        _ = f.handle(.home)
        let c = TerminalKitTests.render(f, width: 10, height: 1)
        #expect(c.line(0) == "abcdefghi…")
        #expect(c.cursor == Point(x: 0, y: 0))
        var w = field("日本語日本語日本語")
        _ = w.handle(.end)
        let d = TerminalKitTests.render(w, width: 7, height: 1)
        #expect(d.cursor!.x <= 6)
        #expect(d.rowText(0).displayWidth == 7)
    }

    @Test("Masked fields never show the secret")
    func masked() {
        var f = TextField(text: "sk-secret", isMasked: true)
        let b = TerminalKitTests.render(f, width: 20, height: 1)
        #expect(b.line(0) == "•••••••••")
        #expect(!b.contains("secret"))
        _ = f.handle(.char("!"))
        #expect(f.text == "sk-secret!")
        #expect(TerminalKitTests.render(f, width: 20, height: 1).line(0) == "••••••••••")
    }
}

@Suite("Text area")
struct TextAreaTests {
    @Test("Soft wrap at word boundaries")
    func wrap() {
        let chars = Array("the quick brown fox")
        #expect(TextArea.wrap(chars, width: 10) == [0..<10, 10..<19])
        #expect(TextArea.wrap(chars, width: 8) == [0..<4, 4..<10, 10..<16, 16..<19])
        #expect(TextArea.wrap(Array("abcdefghij"), width: 4) == [0..<4, 4..<8, 8..<10])
        #expect(TextArea.wrap([], width: 4) == [0..<0])
        let a = TextArea(text: "the quick brown fox")
        let b = TerminalKitTests.render(a, width: 11, height: 3)
        #expect(b.line(0) == "the quick")
        #expect(b.line(1) == "brown fox")
        #expect(b.cursor == Point(x: 9, y: 1))
    }

    @Test("Enter splits lines, Backspace joins them, Ctrl-J always inserts a newline")
    func lines() {
        var a = TextArea(text: "ab")
        _ = a.handle(.left)
        #expect(a.handle(.enter) == .changed)
        #expect(a.text == "a\nb")
        #expect(a.row == 1 && a.column == 0)
        #expect(a.handle(.backspace) == .changed)
        #expect(a.text == "ab")
        var s = TextArea(text: "x", enterInsertsNewline: false)
        #expect(s.handle(.enter) == .submitted)
        #expect(s.handle(.ctrl("j")) == .changed)
        #expect(s.text == "x\n")
        #expect(s.handle(.delete) == .handled)
        _ = s.handle(.left)
        #expect(s.handle(.delete) == .changed)  // joins the next line
        #expect(s.text == "x")
        #expect(s.handle(.tab) == .ignored)
        #expect(s.handle(.escape) == .ignored)
    }

    @Test("Up/Down move by displayed rows and keep the column")
    func vertical() {
        var a = TextArea(text: "first line\nsecond\nthird line here", wrapWidth: 0)
        a.setCursor(row: 0, column: 8)
        _ = a.handle(.down)
        #expect(a.row == 1 && a.column == 6)  // clamped to the shorter line
        _ = a.handle(.down)
        #expect(a.row == 2 && a.column == 8)  // goal column remembered
        _ = a.handle(.down)
        #expect(a.column == 15)  // last row: to the end
        _ = a.handle(.up)
        _ = a.handle(.up)
        _ = a.handle(.up)
        #expect(a.row == 0 && a.column == 0)
        // With wrapping, ↓ stays in the same logical line.
        var w = TextArea(text: "aaaa bbbb cccc", wrapWidth: 6)
        w.setCursor(row: 0, column: 1)
        _ = w.handle(.down)
        #expect(w.row == 0 && w.column == 6)
    }

    @Test("Paste keeps newlines; left/right cross lines; Ctrl-K at the end joins")
    func pasteAndMoves() {
        var a = TextArea()
        #expect(a.handle(.paste("one\r\ntwo\tx")) == .changed)
        #expect(a.text == "one\ntwo x")
        a.setCursor(row: 1, column: 0)
        _ = a.handle(.left)
        #expect(a.row == 0 && a.column == 3)
        #expect(a.handle(.ctrl("k")) == .changed)
        #expect(a.text == "onetwo x")
        _ = a.handle(.right)
        #expect(a.column == 4)
        var m = TextArea(maxLength: 5)
        _ = m.handle(.paste("abcdefgh"))
        #expect(m.text == "abcde")
        #expect(m.characterCount == 5)
    }

    @Test("Scrolls to the cursor and shows a scroll indicator")
    func scrolling() {
        let text = (1...20).map { "line \($0)" }.joined(separator: "\n")
        let a = TextArea(text: text, viewportHeight: 5)
        let b = TerminalKitTests.render(a, width: 12, height: 5)
        #expect(b.line(4).hasPrefix("line 20"))
        #expect(b.cursor == Point(x: 7, y: 4))
        #expect(b[11, 4].character == "┃")
        let p = TerminalKitTests.render(TextArea(placeholder: "Describe the image"), width: 12, height: 3)
        #expect(p.line(0) == "Describe")
        #expect(p.line(1) == "the image")
    }
}
