import Testing
@testable import TerminalKit

@Suite struct TerminalNotificationTests {
    let note = TerminalNotification(title: "flux-tui: flux-dev ready", body: "a lighthouse; at dusk")

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func eachStyleWritesItsSequence() {
        #expect(Self.text(note.bytes(.osc777, insideTmux: false)) == "\u{1B}]777;notify;flux-tui: flux-dev ready;a lighthouse, at dusk\u{07}")
        #expect(Self.text(note.bytes(.osc9, insideTmux: false)) == "\u{1B}]9;flux-tui: flux-dev ready: a lighthouse; at dusk\u{07}")
        #expect(note.bytes(.bell, insideTmux: false) == [0x07])
        #expect(note.bytes(.off, insideTmux: false).isEmpty)
    }

    @Test func insideTmuxTheSequenceIsWrappedForPassthrough() {
        #expect(Self.text(note.bytes(.osc9, insideTmux: true))
                == "\u{1B}Ptmux;\u{1B}\u{1B}]9;flux-tui: flux-dev ready: a lighthouse; at dusk\u{07}\u{1B}\\")
        #expect(note.bytes(.bell, insideTmux: true) == [0x07])
    }

    @Test func serverTextCannotDriveTheTerminal() {
        let hostile = TerminalNotification(title: "t\u{07}x", body: "failed\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{9B}31m\r\nrest")
        for style in [NotificationStyle.osc9, .osc777] {
            let bytes = hostile.bytes(style, insideTmux: false)
            // One ESC to open, one BEL to close, nothing else that a terminal acts on.
            #expect(bytes.filter { $0 == 0x1B }.count == 1, "\(style)")
            #expect(bytes.filter { $0 == 0x07 }.count == 1, "\(style)")
            #expect(bytes.last == 0x07)
            #expect(!Self.text(bytes).unicodeScalars.dropFirst().dropLast().contains { DisplayWidth.isControl(scalarValue: $0.value) })
        }
        let long = TerminalNotification(title: "t", body: String(repeating: "x", count: 5000))
        #expect(long.bytes(.osc9, insideTmux: false).count < 300)
    }

    @Test func autoPicksWhatTheTerminalIsKnownToShow() {
        #expect(NotificationStyle.detect(["VTE_VERSION": "7200"]) == .osc777)
        #expect(NotificationStyle.detect(["TERM": "foot"]) == .osc777)
        #expect(NotificationStyle.detect(["TERM_PROGRAM": "iTerm.app"]) == .osc9)
        #expect(NotificationStyle.detect(["TERM_PROGRAM": "tmux", "LC_TERMINAL": "iTerm2"]) == .osc9)
        #expect(NotificationStyle.detect(["WT_SESSION": "x"]) == .osc9)
        #expect(NotificationStyle.detect(["TERM": "xterm-256color"]) == .bell)
    }
}
