import Testing
import TerminalKit

@Suite("Keys and input decoding")
struct InputTests {
    private func decode(_ raws: [InputDecoder.Raw]) -> [KeyEvent] {
        var d = InputDecoder()
        return d.feed(raws) + d.flush()
    }

    private func scalars(_ s: String) -> [InputDecoder.Raw] { s.unicodeScalars.map { .scalar($0.value) } }

    @Test("Printable text, including non-ASCII")
    func text() {
        #expect(decode(scalars("aÖ日")) == [.char("a"), .char("Ö"), .char("日")])
    }

    @Test("A combining mark joins the character before it")
    func combining() {
        #expect(decode(scalars("e\u{301}x")) == [.char("e\u{301}"), .char("x")])
        #expect(decode(scalars("👍\u{1F3FD}")) == [.char("👍\u{1F3FD}")])
        #expect(decode(scalars("\u{301}")) == [])  // nothing to attach to
    }

    @Test("Control bytes")
    func controls() {
        #expect(decode([.scalar(0x01), .scalar(0x17), .scalar(0x09), .scalar(0x0D), .scalar(0x7F), .scalar(0x0A)])
            == [.ctrl("a"), .ctrl("w"), .tab, .enter, .backspace, .ctrl("j")])
        #expect(KeyEvent.fromControlByte(0x00) == .ctrl(" "))
        #expect(KeyEvent.fromControlByte(0x41) == nil)
    }

    @Test("ESC + character is Alt; a lone ESC is Escape")
    func alt() {
        #expect(decode(scalars("\u{1B}b")) == [.alt("b")])
        #expect(decode(scalars("\u{1B}")) == [.escape])
        #expect(decode(scalars("\u{1B}\u{1B}")) == [.escape, .escape])
        #expect(decode([.scalar(0x1B), .key(.up)]) == [.escape, .up])
        #expect(decode([.scalar(0x1B), .scalar(0x0D)]) == [.escape, .enter])
        // Split across reads: flush in between means the user pressed Esc, then the key.
        var d = InputDecoder()
        #expect(d.feed(.scalar(0x1B)) == [])
        #expect(d.flush() == [.escape])
        #expect(d.feed(.scalar(0x71)) == [.char("q")])
    }

    @Test("Escape sequences the terminal database missed")
    func sequences() {
        #expect(decode(scalars("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D")) == [.up, .down, .right, .left])
        #expect(decode(scalars("\u{1B}OA\u{1B}OH\u{1B}OP")) == [.up, .home, .function(1)])
        #expect(decode(scalars("\u{1B}[3~\u{1B}[5~\u{1B}[6~\u{1B}[2~")) == [.delete, .pageUp, .pageDown, .insert])
        #expect(decode(scalars("\u{1B}[1~\u{1B}[4~\u{1B}[H\u{1B}[F")) == [.home, .end, .home, .end])
        #expect(decode(scalars("\u{1B}[15~\u{1B}[24~")) == [.function(5), .function(12)])
        #expect(decode(scalars("\u{1B}[Z")) == [.backTab])
        #expect(decode(scalars("\u{1B}[1;5C\u{1B}[1;3D")) == [.alt("f"), .alt("b")])
        // Unknown sequences (focus events, urxvt mouse reports) are dropped, never typed.
        #expect(decode(scalars("\u{1B}[I\u{1B}[O\u{1B}[32;3;4M")) == [])
    }

    @Test("Bracketed paste arrives as one event")
    func paste() {
        #expect(decode(scalars("\u{1B}[200~hello\r\nworld\u{1B}[201~x")) == [.paste("hello\nworld"), .char("x")])
        #expect(decode([.pasteStart] + scalars("a\u{1B}b\rc") + [.pasteEnd]) == [.paste("a\u{1B}b\nc")])
        // A paste spanning several reads stays open across flushes.
        var d = InputDecoder()
        _ = d.feed([.pasteStart] + scalars("part one "))
        #expect(d.flush() == [])
        #expect(d.isPasting)
        #expect(d.feed(scalars("part two") + [.pasteEnd]) == [.paste("part one part two")])
    }

    @Test("Human names for the help overlay")
    func names() {
        #expect(KeyEvent.ctrl("a").description == "Ctrl-A")
        #expect(KeyEvent.alt("b").description == "Alt-b")
        #expect(KeyEvent.char(" ").description == "Space")
        #expect(KeyEvent.backTab.description == "Shift-Tab")
        #expect(KeyEvent.function(5).description == "F5")
        #expect(KeyEvent.pageDown.description == "PgDn")
        let b = KeyBinding(keys: [.char("q"), .ctrl("c")], description: "Quit")
        #expect(b.label == "q/Ctrl-C")
        #expect(b.matches(.ctrl("c")))
        #expect(!b.matches(.char("x")))
        #expect(KeyEvent.char("x").character == "x")
        #expect(KeyEvent.up.character == nil)
    }
}
