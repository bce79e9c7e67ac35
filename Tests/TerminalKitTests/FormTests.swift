import Testing
import TerminalKit

@Suite("Checkbox and choice picker")
struct ChoiceTests {
    @Test("Checkbox toggles with Space, Enter and x")
    func checkbox() {
        var c = Checkbox("Raw mode")
        #expect(c.handle(.char(" ")) == .toggled(true))
        #expect(c.handle(.enter) == .toggled(false))
        #expect(c.handle(.char("x")) == .toggled(true))
        #expect(c.handle(.char("a")) == .ignored)
        let b = TerminalKitTests.render(c, width: 20, height: 1)
        #expect(b.line(0) == "[x] Raw mode")
        #expect(b[4, 0].style.attributes.contains(.bold))  // focused label is accented
        let u = TerminalKitTests.render(Checkbox("Off"), width: 20, height: 1, focused: false)
        #expect(u.line(0) == "[ ] Off")
        #expect(u.cursor == nil)
    }

    @Test("Choice picker cycles, jumps by letter and wraps")
    func picker() {
        var p = ChoicePicker(options: ["jpeg", "png", "webp"])
        #expect(p.handle(.right) == .changed(1))
        #expect(p.handle(.char("l")) == .changed(2))
        #expect(p.handle(.right) == .changed(0))  // wraps
        #expect(p.handle(.left) == .changed(2))
        #expect(p.handle(.char("p")) == .changed(1))
        #expect(p.handle(.char("p")) == .handled)  // only one option starts with p
        #expect(p.handle(.home) == .changed(0))
        #expect(p.handle(.end) == .changed(2))
        #expect(p.handle(.enter) == .ignored)
        #expect(p.selectedOption == "webp")
        let foundPNG = p.select(option: "png")
        let foundGIF = p.select(option: "gif")
        #expect(foundPNG)
        #expect(!foundGIF)
        let b = TerminalKitTests.render(p, width: 20, height: 1)
        #expect(b.line(0) == "‹ png ›  2/3")
        var n = ChoicePicker(options: ["a", "b"], wraps: false)
        #expect(n.handle(.left) == .handled)
        _ = TerminalKitTests.render(ChoicePicker(options: []), width: 3, height: 1)
    }
}

@Suite("Form")
struct FormTests {
    private func makeForm() -> Form {
        Form(fields: [
            FormField(
                id: "prompt", label: "Prompt", hint: "What to draw", isRequired: true,
                control: .multiline(TextArea(), height: 2)),
            FormField(id: "width", label: "Width", hint: "Multiple of 32", control: .text(TextField(text: "1024", filter: .integer))),
            FormField(id: "raw", label: "Raw", control: .checkbox(Checkbox())),
            FormField(id: "format", label: "Format", control: .choice(ChoicePicker(options: ["jpeg", "png"]))),
            FormField(id: "key", label: "API key", control: .text(TextField(isMasked: true))),
        ])
    }

    @Test("Labels, required marker, controls and the hint line")
    func render() {
        let form = makeForm()
        let b = TerminalKitTests.render(form, width: 40, height: 10)
        #expect(b.line(0).hasPrefix("› Prompt*"))
        #expect(b.line(2).hasPrefix("  Width"))
        #expect(b.line(2).contains("1024"))
        #expect(b.line(3).contains("[ ]"))
        #expect(b.line(4).contains("‹ jpeg ›"))
        #expect(b.line(9) == "What to draw")  // focused field's hint
        #expect(b[0, 9].style.attributes.contains(.dim))
        #expect(b.cursor != nil)
    }

    @Test("Tab / Shift-Tab / arrows move focus; keys reach the focused control")
    func navigation() {
        var form = makeForm()
        for c in "a cat" { _ = form.handle(.char(c)) }
        #expect(form.value(of: "prompt") == .text("a cat"))
        #expect(form.handle(.enter) == .changed("prompt"))  // newline in the multi-line field
        #expect(form.handle(.tab) == .focusChanged("width"))
        #expect(form.handle(.backspace) == .changed("width"))
        #expect(form.value(of: "width") == .text("102"))
        #expect(form.handle(.down) == .focusChanged("raw"))  // text fields leave ↓ to the form
        #expect(form.handle(.char(" ")) == .changed("raw"))
        #expect(form.value(of: "raw") == .bool(true))
        #expect(form.handle(.down) == .focusChanged("format"))
        #expect(form.handle(.right) == .changed("format"))
        #expect(form.value(of: "format") == .choice(1, "png"))
        #expect(form.handle(.up) == .focusChanged("raw"))
        #expect(form.handle(.backTab) == .focusChanged("width"))
        #expect(form.handle(.enter) == .focusChanged("raw"))  // Enter in a single-line field: next field
        #expect(form.handle(.escape) == .ignored)
        #expect(form.handle(.ctrl("s")) == .submitRequested)
        form.focus("key")
        #expect(form.handle(.enter) == .submitRequested)  // Enter on the last field
        #expect(form.handle(.tab) == .focusChanged("prompt"))  // wraps
        var noWrap = makeForm()
        noWrap.wrapsFocus = false
        #expect(noWrap.handle(.backTab) == .ignored)
        #expect(form.values["width"]?.stringValue == "102")
        #expect(form.values["raw"]?.stringValue == "true")
    }

    @Test("Errors and warnings: marker, message under the field, error on the hint line")
    func errors() {
        var form = makeForm()
        form.setIssues(errors: ["width": "must be a multiple of 32"], warnings: ["format": "png is larger"])
        #expect(form.hasErrors)
        #expect(form.focusFirstError() == "width")
        let b = TerminalKitTests.render(form, width: 50, height: 12, theme: monoTheme)
        #expect(b.line(2).hasPrefix("✗ Width"))
        #expect(b.line(3).contains("✗ must be a multiple of 32"))
        let warningRow = try! #require((0..<12).first { b.line($0).contains("! png is larger") })
        #expect(b.line(warningRow - 1).hasPrefix("! Format"))
        #expect(b.line(11) == "✗ must be a multiple of 32")
        let c = TerminalKitTests.render(form, width: 50, height: 12, theme: colorTheme)
        let p = c.find("✗ must")!
        #expect(c[p.x, p.y].style.foreground == colorTheme.style(.error).foreground)
        form.setError(nil, for: "width")
        #expect(!form.hasErrors)
        #expect(!TerminalKitTests.render(form, width: 50, height: 12).contains("✗"))
        // Masked values are never drawn.
        form.focus("key")
        for c in "secret" { _ = form.handle(.char(c)) }
        let m = TerminalKitTests.render(form, width: 50, height: 12)
        #expect(!m.contains("secret"))
        #expect(m.contains("••••••"))
    }

    @Test("Scrolls to the focused field in a short area")
    func scrolling() {
        var form = Form(fields: (0..<30).map {
            FormField(id: "f\($0)", label: "Field \($0)", hint: "hint \($0)", control: .text(TextField(text: "v\($0)")))
        })
        form.setViewport(Size(width: 30, height: 6))
        for _ in 0..<20 { _ = form.handle(.tab) }
        let b = TerminalKitTests.render(form, width: 30, height: 6)
        #expect(b.contains("Field 20"))
        #expect(!b.contains("Field 0 "))
        #expect(b.line(5) == "hint 20")
        #expect(b.cursor != nil)
        for w in 0...5 {
            for h in 0...4 { _ = TerminalKitTests.render(form, width: w, height: h) }
        }
    }
}
