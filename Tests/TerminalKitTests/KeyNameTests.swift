import Testing
@testable import TerminalKit

@Suite struct KeyNameTests {
    @Test func namesAsHelpShowsThemParse() {
        let cases: [(String, KeyEvent)] = [
            ("q", .char("q")), ("Q", .char("Q")), (" ", .char(" ")), ("Space", .char(" ")), ("Ctrl-S", .ctrl("s")),
            ("ctrl+s", .ctrl("s")), ("Alt-b", .alt("b")), ("F5", .function(5)), ("f12", .function(12)), ("Enter", .enter),
            ("esc", .escape), ("PgDn", .pageDown), ("pageup", .pageUp), ("Shift-Tab", .backTab), ("↑", .up), ("Delete", .delete),
        ]
        for (name, key) in cases { #expect(KeyEvent(name: name) == key, "\(name)") }
    }

    @Test func everyKeyHelpNamesReadsBack() {
        let keys: [KeyEvent] = [.char("x"), .ctrl("d"), .alt("f"), .up, .down, .left, .right, .home, .end, .pageUp, .pageDown,
                                .tab, .backTab, .enter, .escape, .backspace, .delete, .insert, .function(1), .function(24)]
        for key in keys { #expect(KeyEvent(name: key.description) == key, "\(key.description)") }
    }

    @Test func nonsenseIsNotAKey() {
        for name in ["", "Hyper-Q", "Ctrl-", "Ctrl-ab", "F0", "F25", "Ctrl-I", "Ctrl-M", "\u{1B}"] {
            #expect(KeyEvent(name: name) == nil, "\(name)")
        }
    }
}
