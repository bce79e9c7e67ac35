import Testing
import TerminalKit

@Suite("Dialog, toast, progress, help, status bar, too-small notice")
struct OverlayTests {
    @Test("Modal dialog: box, title, wrapped message, buttons")
    func dialog() {
        var d = ModalDialog(
            title: "Quit?", message: "Uploads are still running. Quit anyway and cancel them?",
            buttons: ["Quit", "Cancel"], defaultButton: 1, kind: .warning, maxWidth: 40)
        let b = TerminalKitTests.render(d, width: 60, height: 12)
        #expect(b.contains("Quit?"))
        #expect(b.contains("Uploads are still running."))
        #expect(b.contains("[ Quit ]  [ Cancel ]"))
        let cancel = b.find("[ Cancel ]")!
        #expect(b[cancel.x, cancel.y].style.attributes.contains(.reverse))  // selected button
        let frame = d.frame(in: b.bounds)
        #expect(frame.width <= 40)
        #expect(b[frame.x, frame.y].character == "╭")
        #expect(b.cursor == nil)
        #expect(d.handle(.left) == .handled)
        #expect(d.selectedButton == 0)
        #expect(d.handle(.tab) == .handled)
        #expect(d.handle(.enter) == .chose(1))
        #expect(d.handle(.char("q")) == .chose(0))  // first letter presses it
        #expect(d.handle(.escape) == .dismissed)
        #expect(d.handle(.down) == .handled)  // modal: swallows everything else
        for w in 0...6 {
            for h in 0...6 { _ = TerminalKitTests.render(d, width: w, height: h) }
        }
    }

    @Test("Toast line and queue expiry")
    func toast() {
        let t = Toast("Saved 日本.png", kind: .success)
        let b = TerminalKitTests.render(t, width: 30, height: 1)
        #expect(b.line(0) == " ✓ Saved 日本.png")
        let c = TerminalKitTests.render(Toast("Failed", kind: .error), width: 30, height: 1, theme: colorTheme)
        #expect(c[3, 0].style.foreground == colorTheme.style(.error).foreground)
        #expect(c[3, 0].style.background == colorTheme.style(.statusBar).background)

        let clock = ContinuousClock()
        let t0 = clock.now
        var q = ToastQueue(capacity: 2)
        q.post(Toast("one"), now: t0, duration: .seconds(2))
        q.post(Toast("two"), now: t0, duration: .seconds(4))
        #expect(q.current(at: t0)?.message == "two")
        #expect(q.current(at: t0.advanced(by: .seconds(5))) == nil)
        #expect(q.nextExpiry == t0.advanced(by: .seconds(2)))
        let pruned = q.prune(at: t0.advanced(by: .seconds(3)))
        #expect(pruned)
        #expect(q.entries.count == 1)
        let prunedAgain = q.prune(at: t0.advanced(by: .seconds(3)))
        #expect(!prunedAgain)
        q.post(Toast("three"), now: t0, duration: .seconds(9))
        q.post(Toast("four"), now: t0, duration: .seconds(9))
        #expect(q.entries.map(\.toast.message) == ["three", "four"])  // capacity
    }

    @Test("Progress bar uses eighth blocks", arguments: [
        (0.0, "          "), (1.0, "██████████"), (0.5, "█████     "),
        (0.55, "█████▌    "), (0.0125, "▏         "), (2.0, "██████████"), (-1.0, "          "),
    ])
    func progressBlocks(fraction: Double, expected: String) {
        #expect(ProgressBar.bar(fraction: fraction, width: 10) == expected)
    }

    @Test("Progress bar with label and percentage; indeterminate")
    func progress() {
        let b = TerminalKitTests.render(ProgressBar(fraction: 0.42, label: "Upload"), width: 30, height: 1)
        #expect(b.line(0).hasPrefix("Upload █"))
        #expect(b.line(0).hasSuffix(" 42%"))
        #expect(b.contains("░"))
        let i = TerminalKitTests.render(ProgressBar(fraction: nil, phase: 3), width: 20, height: 1)
        #expect(i.rowText(0).filter { $0 == "█" }.count == 4)
        _ = TerminalKitTests.render(ProgressBar(fraction: .nan, label: "x"), width: 1, height: 1)
    }

    @Test("Help overlay groups bindings and scrolls")
    func help() {
        var h = HelpOverlay(bindings: [
            KeyBinding(.char("q"), "Quit", group: "Global"),
            KeyBinding(.char("?"), "Help", group: "Global"),
            KeyBinding(keys: [.up, .down], description: "Move", group: "List"),
            KeyBinding(.ctrl("s"), "Submit", group: "Form"),
        ])
        let b = TerminalKitTests.render(h, width: 60, height: 20)
        #expect(b.contains("Keys"))
        #expect(b.contains("Global"))
        let list = b.find("List")!
        let global = b.find("Global")!
        #expect(list.y > global.y)
        #expect(b.contains("↑/↓"))
        #expect(b.contains("Ctrl-S"))
        #expect(b.contains("Submit"))
        let q = b.find("q ")!
        #expect(b[q.x, q.y].style.attributes.contains(.bold))  // key column
        h.viewportHeight = 3
        #expect(h.handle(.down) == .handled)
        #expect(h.scrollOffset == 1)
        #expect(h.handle(.end) == .handled)
        let small = TerminalKitTests.render(h, width: 40, height: 6)
        #expect(small.contains("scroll"))
        #expect(h.handle(.escape) == .dismissed)
        #expect(h.handle(.char("?")) == .dismissed)
    }

    @Test("Status bar: left, centre and right segments with priorities")
    func statusBar() {
        let bar = StatusBar(left: "Tasks", center: "3 running", right: "120x40")
        let b = TerminalKitTests.render(bar, width: 40, height: 1)
        #expect(b.line(0).hasPrefix(" Tasks"))
        #expect(b.line(0).hasSuffix("120x40"))
        #expect(b.find("3 running") == Point(x: 15, y: 0))  // centred
        #expect(b[0, 0].style.attributes.contains(.reverse))  // monochrome status bar
        // Narrow: right is kept, then left, the centre gives way.
        let n = TerminalKitTests.render(bar, width: 16, height: 1)
        #expect(n.line(0).hasSuffix("120x40"))
        #expect(n.contains("Tasks"))
        #expect(!n.contains("running"))
        let tiny = TerminalKitTests.render(bar, width: 4, height: 1)
        #expect(tiny.line(0).contains("…"))
        let styled = StatusBar(left: [.init("MODE", role: .statusAccent), .init(" rest")])
        let s = TerminalKitTests.render(styled, width: 20, height: 1, theme: colorTheme)
        #expect(s[1, 0].style.foreground == colorTheme.style(.statusAccent).foreground)
        #expect(s[1, 0].style.background == colorTheme.style(.statusBar).background)
    }

    @Test("Terminal too small: clear message, works down to 1x1")
    func tooSmall() {
        let g = MinimumSizeGuard()
        #expect(g.isTooSmall(Size(width: 60, height: 20)))
        #expect(!g.isTooSmall(Size(width: 80, height: 24)))
        #expect(g.isTooSmall(Size(width: 200, height: 23)))
        var b = ScreenBuffer(width: 60, height: 20)
        g.render(into: &b, theme: monoTheme)
        #expect(b.contains("Terminal too small: 60x20, need at least 80x24"))
        let p = b.find("Terminal")!
        #expect(p.y == 9 || p.y == 10)  // centred vertically
        #expect(p.x == (60 - 46) / 2)
        var one = ScreenBuffer(width: 1, height: 1)
        g.render(into: &one, theme: monoTheme)
        #expect(one.text == "!")
        var narrow = ScreenBuffer(width: 12, height: 1)
        g.render(into: &narrow, theme: monoTheme)
        #expect(narrow.text.trimmingCharacters(in: .whitespaces) == "12x1 < 80x24")
        var narrower = ScreenBuffer(width: 10, height: 1)
        g.render(into: &narrower, theme: monoTheme)
        #expect(narrower.text.trimmingCharacters(in: .whitespaces) == "Too small")
        for w in 0...40 {
            for h in 0...6 {
                var x = ScreenBuffer(width: w, height: h)
                g.render(into: &x, theme: colorTheme)
                if w > 0 && h > 0 { #expect(!x.text.isEmpty) }
            }
        }
        let custom = MinimumSizeGuard(minimum: Size(width: 100, height: 30))
        #expect(custom.message(for: Size(width: 90, height: 40)) == "Terminal too small: 90x40, need at least 100x30")
    }
}

@Suite("Headless backend")
struct HeadlessBackendTests {
    @Test("Records frames, skips identical ones, delivers injected events")
    func backend() async {
        let backend = HeadlessBackend(size: Size(width: 20, height: 3))
        var frame = ScreenBuffer(size: backend.size)
        frame.write("hello", x: 0, y: 0, style: .plain)
        backend.present(frame)
        backend.present(frame)  // unchanged: nothing to paint
        #expect(backend.frames.count == 1)
        #expect(backend.diffs[0].isFullRepaint)
        frame.write("日本", x: 0, y: 1, style: .plain)
        backend.present(frame)
        #expect(backend.frames.count == 2)
        #expect(backend.diffs[1].cellCount == 4)
        frame.cursor = Point(x: 1, y: 1)
        backend.present(frame)  // only the cursor moved: still a new frame
        #expect(backend.frames.count == 3)
        #expect(backend.lastFrame?.line(1) == "日本")

        backend.type("hi")
        backend.send(.enter)
        backend.resize(to: Size(width: 30, height: 5))
        backend.shutdown()
        var got: [KeyEvent] = []
        for await e in backend.events { got.append(e) }
        #expect(got == [.char("h"), .char("i"), .enter, .resize(width: 30, height: 5)])
        #expect(backend.size == Size(width: 30, height: 5))
        #expect(backend.isShutDown)
    }

    @Test("An Elm-style loop against the backend repaints only on change")
    func loop() async {
        let backend = HeadlessBackend(size: Size(width: 30, height: 4))
        var list = SelectableList(items: ["a", "b", "c"].map { ListItem($0) })
        func view() -> ScreenBuffer {
            var b = ScreenBuffer(size: backend.size)
            list.render(into: &b, in: b.bounds, theme: monoTheme, focused: true)
            return b
        }
        backend.present(view())
        backend.send([.down, .char("z"), .down])
        backend.shutdown()
        for await e in backend.events {
            _ = list.handle(e)
            backend.present(view())
        }
        // "z" changed nothing, so only three frames were painted.
        #expect(backend.frames.count == 3)
        #expect(backend.lastFrame?.line(2) == "› c")
    }
}
