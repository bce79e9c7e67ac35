import Testing
import TerminalKit

@Suite("Mouse reports")
struct MouseInputTests {
    private func decode(_ text: String) -> [KeyEvent] {
        var d = InputDecoder()
        return d.feed(text.unicodeScalars.map { .scalar($0.value) }) + d.flush()
    }

    private func mouse(_ kind: MouseEvent.Kind, _ x: Int, _ y: Int) -> KeyEvent {
        .mouse(MouseEvent(kind: kind, position: Point(x: x, y: y)))
    }

    @Test("SGR presses and releases: 1-based columns and rows become 0-based points")
    func pressAndRelease() {
        #expect(decode("\u{1B}[<0;5;3M\u{1B}[<0;5;3m") == [mouse(.press(button: 0), 4, 2), mouse(.release(button: 0), 4, 2)])
        #expect(decode("\u{1B}[<1;1;1M") == [mouse(.press(button: 1), 0, 0)])
        #expect(decode("\u{1B}[<2;300;120m") == [mouse(.release(button: 2), 299, 119)])
    }

    @Test("The wheel scrolls by three rows; modifiers are ignored")
    func wheelAndModifiers() {
        #expect(decode("\u{1B}[<64;10;4M\u{1B}[<65;10;4M") == [mouse(.scrollUp, 9, 3), mouse(.scrollDown, 9, 3)])
        #expect(MouseEvent(kind: .scrollUp, position: Point(x: 0, y: 0)).scrollDelta == -3)
        #expect(MouseEvent(kind: .scrollDown, position: Point(x: 0, y: 0)).scrollDelta == 3)
        #expect(MouseEvent(kind: .press(button: 0), position: Point(x: 0, y: 0)).scrollDelta == nil)
        // Shift (4), Alt (8), Ctrl (16): still the same click or wheel.
        #expect(decode("\u{1B}[<4;2;2M\u{1B}[<16;2;2M\u{1B}[<80;2;2M")
            == [mouse(.press(button: 0), 1, 1), mouse(.press(button: 0), 1, 1), mouse(.scrollUp, 1, 1)])
    }

    @Test("Motion, no-button, horizontal wheel and extra buttons are dropped")
    func ignoredReports() {
        #expect(decode("\u{1B}[<32;5;5M\u{1B}[<35;5;5M\u{1B}[<3;5;5M\u{1B}[<66;5;5M\u{1B}[<67;5;5M\u{1B}[<128;5;5M\u{1B}[<64;5;5m") == [])
    }

    @Test("Malformed and out-of-range reports are dropped, never typed")
    func malformed() {
        let bad = [
            "\u{1B}[<0;0;3M",  // column 0 (coordinates are 1-based)
            "\u{1B}[<0;3;0M",
            "\u{1B}[<0;3M",  // a field missing
            "\u{1B}[<0;3;4;5M",  // one too many
            "\u{1B}[<0;;4M",
            "\u{1B}[<;3;4M",
            "\u{1B}[<0;99999;4M",  // beyond any terminal
            "\u{1B}[<0;1;12345678901234567890123456789012345M",  // absurdly long: consumed whole
        ]
        for report in bad { #expect(decode(report) == [], "\(report.debugDescription)") }
        // Cut off by other input: the report is dropped, the input is decoded as usual.
        #expect(decode("\u{1B}[<0;5x") == [.char("x")])
        #expect(decode("\u{1B}[<0;5\u{1B}[A") == [.up])
        #expect(decode("\u{1B}[<0;5\r") == [.enter])
    }

    @Test("A report split across reads is completed by the next read")
    func splitAcrossReads() {
        var d = InputDecoder()
        for piece in ["\u{1B}[<", "0;1", "2;", "7"] {
            #expect(d.feed(piece.unicodeScalars.map { .scalar($0.value) }) == [])
            #expect(d.flush() == [], "piece \(piece.debugDescription)")
        }
        #expect(d.feed(.scalar(0x4D)) == [mouse(.press(button: 0), 11, 6)])
        #expect(d.feed(.scalar(0x71)) == [.char("q")])  // and typing goes on as before
    }

    @Test("Text around reports is untouched; a report inside a paste is never a click")
    func mixedWithText() {
        #expect(decode("a\u{1B}[<0;2;2Mb") == [.char("a"), mouse(.press(button: 0), 1, 1), .char("b")])
        var d = InputDecoder()
        let pasted = d.feed([.pasteStart] + "x\u{1B}[<0;2;2My".unicodeScalars.map { .scalar($0.value) } + [.pasteEnd])
        #expect(pasted == [.paste("xy")])
    }

    @Test("Legacy X10 reports (ESC [ M + three bytes) decode too; their releases are dropped")
    func x10() {
        func x10(_ b: Int, _ x: Int, _ y: Int) -> String {
            "\u{1B}[M" + String(UnicodeScalar(UInt8(b + 32))) + String(UnicodeScalar(UInt8(x + 32))) + String(UnicodeScalar(UInt8(y + 32)))
        }
        #expect(decode(x10(0, 5, 3)) == [mouse(.press(button: 0), 4, 2)])
        #expect(decode(x10(65, 1, 1)) == [mouse(.scrollDown, 0, 0)])
        #expect(decode(x10(3, 5, 3) + "z") == [.char("z")])
        #expect(decode("\u{1B}[M\u{01}\u{01}\u{01}") == [])  // values below 32 are not a report
    }
}
