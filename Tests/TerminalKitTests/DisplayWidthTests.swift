import Testing
import TerminalKit

@Suite("Display width")
struct DisplayWidthTests {
    @Test("CJK, combining marks, emoji and mixed text", arguments: [
        ("日本", 4),
        ("e\u{301}", 1),  // e + combining acute: one column
        ("é", 1),  // precomposed
        ("👍", 2),
        ("Größe ✓", 7),
        ("Größe ✓ 日本", 12),
        ("한국어", 6),
        ("ｶﾀｶﾅ", 4),  // half-width katakana stay narrow
        ("ＡＢ", 4),  // full-width Latin is wide
        ("abc", 3),
        ("", 0),
        ("\u{200B}", 0),  // zero width space
    ])
    func widths(text: String, expected: Int) {
        #expect(text.displayWidth == expected)
    }

    @Test("Characters")
    func characters() {
        #expect(Character("日").displayWidth == 2)
        #expect(Character("e\u{301}").displayWidth == 1)
        #expect(Character("👍🏽").displayWidth == 2)
        #expect(Character("✓").displayWidth == 1)
        #expect(Character("\t").displayWidth == 0)
        #expect(DisplayWidth.isControl("\u{1B}"))
        #expect(!DisplayWidth.isControl("a"))
    }

    @Test("Truncation with an ellipsis never splits wide characters")
    func truncation() {
        #expect(DisplayWidth.truncate("Größe ✓ 日本", to: 12) == "Größe ✓ 日本")
        #expect(DisplayWidth.truncate("Größe ✓ 日本", to: 11) == "Größe ✓ 日…")
        #expect(DisplayWidth.truncate("Größe ✓ 日本", to: 10) == "Größe ✓ …")
        #expect(DisplayWidth.truncate("日本語", to: 4) == "日…")
        #expect(DisplayWidth.truncate("日本語", to: 1) == "…")
        #expect(DisplayWidth.truncate("abc", to: 0) == "")
        #expect(DisplayWidth.truncate("abcdef", to: 4, ellipsis: false) == "abcd")
        #expect(DisplayWidth.truncate("e\u{301}e\u{301}e\u{301}", to: 2) == "e\u{301}…")
        #expect(DisplayWidth.truncateLeading("/very/long/path", to: 8) == "…ng/path")
    }

    @Test("Fit pads to the exact width, with alignment")
    func fit() {
        #expect(DisplayWidth.fit("ab", to: 5) == "ab   ")
        #expect(DisplayWidth.fit("ab", to: 5, alignment: .right) == "   ab")
        #expect(DisplayWidth.fit("ab", to: 6, alignment: .center) == "  ab  ")
        // A wide character that does not fit leaves one column of padding.
        #expect(DisplayWidth.fit("日本語", to: 5).displayWidth == 5)
        #expect(DisplayWidth.fit("日本語", to: 5) == "日本…")
    }

    @Test("Word wrap keeps lines within the width")
    func wrap() {
        let lines = DisplayWidth.wrap("the quick brown fox jumps", width: 10)
        #expect(lines == ["the quick", "brown fox", "jumps"])
        #expect(DisplayWidth.wrap("日本語のテキスト", width: 6) == ["日本語", "のテキ", "スト"])
        #expect(DisplayWidth.wrap("a\nb", width: 5) == ["a", "b"])
        #expect(DisplayWidth.wrap("abcdefgh", width: 3) == ["abc", "def", "gh"])
        #expect(DisplayWidth.wrap("x", width: 0).isEmpty)
    }

    @Test("Control characters are replaced before drawing")
    func sanitize() {
        #expect(DisplayWidth.sanitized("a\tb\nc\u{1B}") == "a b c ")
        #expect(DisplayWidth.sanitized("plain") == "plain")
    }
}
