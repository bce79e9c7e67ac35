// Mouse support in the widgets: render into a buffer at an offset, then hit-test the cell where
// a piece of text appears, so the hit-tests are checked against what is really drawn.

import Testing
import TerminalKit

/// Renders `widget` into `area` of a buffer of `size`.
private func draw<W: Widget>(_ widget: W, in area: Rect, size: Size = Size(width: 60, height: 20)) -> ScreenBuffer {
    var buffer = ScreenBuffer(size: size)
    widget.render(into: &buffer, in: area, theme: monoTheme, focused: true)
    return buffer
}

private func wheel(_ kind: MouseEvent.Kind) -> KeyEvent { .mouse(MouseEvent(kind: kind, position: Point(x: 0, y: 0))) }

@Suite("Mouse hit-testing and wheel")
struct HitTestingTests {
    let items = (0..<40).map { ListItem(id: "id\($0)", title: "Item \($0)") }

    @Test("A list maps a click to the item drawn there, after scrolling and filtering")
    func listRows() throws {
        var list = SelectableList(items: items, title: "Things", bordered: true)
        let area = Rect(x: 4, y: 2, width: 30, height: 10)
        list.viewportHeight = 8
        list.select(index: 20)
        var b = draw(list, in: area)
        for n in [13, 17, 20] {
            let p = try #require(b.find("Item \(n) "), "Item \(n) is not drawn")
            #expect(list.itemIndex(at: p, in: area) == n)
            #expect(list.itemIndex(at: Point(x: area.maxX - 3, y: p.y), in: area) == n)  // anywhere on the row
        }
        let title = try #require(b.find("Things"))
        #expect(list.itemIndex(at: title, in: area) == nil)  // border and title
        #expect(list.itemIndex(at: Point(x: area.maxX - 2, y: area.y + 3), in: area) == nil)  // scrollbar
        #expect(list.itemIndex(at: Point(x: 0, y: area.y + 3), in: area) == nil)  // outside

        // Filtered: the answer is still an index into `items`; the filter line and the empty
        // space below the last match are no row.
        list.setFilter("m 7")  // Item 7, 17, 27, 37
        b = draw(list, in: area)
        let item27 = try #require(b.find("Item 27"))
        #expect(list.itemIndex(at: item27, in: area) == 27)
        let item37 = try #require(b.find("Item 37"))
        #expect(list.itemIndex(at: item37, in: area) == 37)
        #expect(list.itemIndex(at: Point(x: item37.x, y: item37.y + 1), in: area) == nil)
        let filterLine = try #require(b.find("/m 7"))
        #expect(list.itemIndex(at: filterLine, in: area) == nil)
    }

    @Test("The wheel scrolls a list by three rows; the selection only moves to stay visible")
    func listWheel() {
        var list = SelectableList(items: items)
        list.viewportHeight = 10
        #expect(list.handle(wheel(.scrollDown)) == .selectionChanged(3))  // row 0 scrolled out
        var b = TerminalKitTests.render(list, width: 20, height: 10)
        #expect(b.line(0).hasPrefix("› Item 3 "))
        #expect(b.line(9).hasPrefix("  Item 12"))
        list.select(index: 8)
        #expect(list.handle(wheel(.scrollUp)) == .handled)  // still visible: it stays
        b = TerminalKitTests.render(list, width: 20, height: 10)
        #expect(b.line(0).hasPrefix("  Item 0 "))
        #expect(b.line(8).hasPrefix("› Item 8"))
        for _ in 0..<20 { _ = list.handle(wheel(.scrollDown)) }
        b = TerminalKitTests.render(list, width: 20, height: 10)
        #expect(b.line(0).hasPrefix("› Item 30"))  // clamped at the end
        #expect(b.line(9).hasPrefix("  Item 39"))
        // A click is not a navigation key: the app decides what it does.
        #expect(list.handle(.mouse(MouseEvent(kind: .press(button: 0), position: Point(x: 1, y: 1)))) == .ignored)
        // While typing a filter, the wheel leaves the filter field and scrolls.
        _ = list.handle(.char("/"))
        #expect(list.isFiltering)
        _ = list.handle(wheel(.scrollUp))
        #expect(!list.isFiltering)
    }

    @Test("A table maps a click to its row, never to the header or the scrollbar")
    func tableRows() throws {
        var table = Table(
            columns: [TableColumn("Status", width: .fixed(8)), TableColumn("Prompt")],
            rows: (0..<30).map { TableRow(id: "\($0)", cells: ["ok", "prompt \($0)"]) })
        table.viewportHeight = 6
        _ = table.handle(.pageDown)
        _ = table.handle(wheel(.scrollDown))
        let area = Rect(x: 2, y: 5, width: 40, height: 7)
        let b = draw(table, in: area)
        let first = try #require(table.selectedIndex)
        for n in [first - 2, first, first + 3] where n < 30 {
            let p = try #require(b.find("prompt \(n) "), "row \(n) is not drawn:\n\(b.text)")
            #expect(table.rowIndex(at: p, in: area) == n)
        }
        let header = try #require(b.find("Status"))
        #expect(table.rowIndex(at: header, in: area) == nil)
        #expect(table.rowIndex(at: Point(x: area.maxX - 1, y: area.y + 2), in: area) == nil)  // scrollbar
        // Fewer rows than lines: below the last row is nothing.
        let short = Table(columns: [TableColumn("A")], rows: [TableRow(id: "1", cells: ["only"])])
        let s = draw(short, in: area)
        let only = try #require(s.find("only"))
        #expect(short.rowIndex(at: only, in: area) == 0)
        #expect(short.rowIndex(at: Point(x: only.x, y: only.y + 1), in: area) == nil)
    }

    @Test("A form maps a click on a label, control or message line to its field")
    func formFields() throws {
        var form = Form(fields: [
            FormField(id: "prompt", label: "Prompt", hint: "What to draw", control: .multiline(TextArea(), height: 2)),
            FormField(id: "width", label: "Width", control: .text(TextField(text: "1024")), error: "too wide"),
            FormField(id: "raw", label: "Raw", control: .checkbox(Checkbox())),
            FormField(id: "format", label: "Format", control: .choice(ChoicePicker(options: ["jpeg", "png"]))),
        ])
        let area = Rect(x: 3, y: 1, width: 40, height: 10)
        var b = draw(form, in: area)
        #expect(form.fieldID(at: try #require(b.find("Prompt")), in: area) == "prompt")
        let prompt = try #require(b.find("Prompt"))
        #expect(form.fieldID(at: Point(x: prompt.x + 20, y: prompt.y + 1), in: area) == "prompt")  // second row of the text area
        #expect(form.fieldID(at: try #require(b.find("1024")), in: area) == "width")
        #expect(form.fieldID(at: try #require(b.find("too wide")), in: area) == "width")
        #expect(form.fieldID(at: try #require(b.find("[ ]")), in: area) == "raw")
        #expect(form.fieldID(at: try #require(b.find("jpeg")), in: area) == "format")
        #expect(form.fieldID(at: try #require(b.find("What to draw")), in: area) == nil)  // hint line
        #expect(form.fieldID(at: Point(x: area.x + 1, y: area.y + 7), in: area) == nil)  // below the last field

        // Scrolled: focus on the last field of a short form pushes the first ones out.
        form.focus("format")
        let short = Rect(x: 3, y: 1, width: 40, height: 4)
        b = draw(form, in: short)
        #expect(!b.contains("Prompt"))
        #expect(form.fieldID(at: try #require(b.find("jpeg")), in: short) == "format")
        #expect(form.fieldID(at: try #require(b.find("[ ]")), in: short) == "raw")
    }

    @Test("A dialog maps a click to the button drawn there")
    func dialogButtons() throws {
        let dialog = ModalDialog(title: "Quit?", message: "Uploads are still running.", buttons: ["Quit", "Cancel", "Help"])
        let area = Rect(x: 0, y: 0, width: 60, height: 20)
        let b = draw(dialog, in: area)
        let cancel = try #require(b.find("[ Cancel ]"))
        #expect(dialog.buttonIndex(at: cancel, in: area) == 1)
        #expect(dialog.buttonIndex(at: Point(x: cancel.x + 9, y: cancel.y), in: area) == 1)  // its "]"
        #expect(dialog.buttonIndex(at: Point(x: cancel.x - 1, y: cancel.y), in: area) == nil)  // the gap
        #expect(dialog.buttonIndex(at: try #require(b.find("[ Quit ]")), in: area) == 0)
        #expect(dialog.buttonIndex(at: try #require(b.find("[ Help ]")), in: area) == 2)
        #expect(dialog.buttonIndex(at: try #require(b.find("Uploads")), in: area) == nil)
    }

    @Test("The help overlay scrolls with the wheel")
    func helpWheel() {
        let bindings = (0..<30).map { KeyBinding(.char(Character(UnicodeScalar(UInt8(65 + $0)))), "Binding \($0)") }
        var help = HelpOverlay(bindings: bindings, viewportHeight: 5)
        _ = help.handle(wheel(.scrollDown))
        #expect(help.scrollOffset == 3)
        _ = help.handle(wheel(.scrollUp))
        _ = help.handle(wheel(.scrollUp))
        #expect(help.scrollOffset == 0)
    }
}
