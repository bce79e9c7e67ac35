import Testing
import TerminalKit

@Suite("Selectable list")
struct SelectableListTests {
    private func items(_ n: Int) -> [ListItem] {
        (0..<n).map { ListItem(id: "id\($0)", title: "Item \($0)", detail: $0 % 2 == 0 ? "even" : "") }
    }

    @Test("Renders Unicode rows, detail text and the selection")
    func render() {
        let list = SelectableList(items: [
            ListItem(id: "a", title: "Größe ✓ 日本", detail: "cjk"),
            ListItem(id: "b", title: "e\u{301}"),
            ListItem(id: "c", title: "👍 ok"),
        ])
        let b = TerminalKitTests.render(list, width: 30, height: 4)
        #expect(b.line(0).hasPrefix("› Größe ✓ 日本 "))
        #expect(b.find("cjk") == Point(x: 27, y: 0))  // detail right-aligned after wide text
        #expect(b.rowText(0).displayWidth == 30)
        #expect(b.line(1) == "  e\u{301}")
        #expect(b.line(2) == "  👍 ok")
        #expect(b[0, 0].style.attributes.contains(.reverse))  // selected row, monochrome
        #expect(b[29, 0].style.attributes.contains(.reverse))  // whole row
        #expect(!b[0, 1].style.attributes.contains(.reverse))
        // Unfocused: the selection is shown differently.
        let u = TerminalKitTests.render(list, width: 30, height: 4, focused: false)
        #expect(!u[0, 0].style.attributes.contains(.reverse))
        #expect(u[0, 0].style.attributes.contains(.underline))
        // Colour theme: selection colours come from the theme.
        let c = TerminalKitTests.render(list, width: 30, height: 4, theme: colorTheme)
        #expect(c[3, 0].style == colorTheme.style(.selection))
    }

    @Test("Long titles are truncated with an ellipsis")
    func truncation() {
        let list = SelectableList(items: [ListItem("A very long title that does not fit")])
        let b = TerminalKitTests.render(list, width: 12, height: 1)
        #expect(b.line(0) == "› A very lo…")
    }

    @Test("Navigation keys move and scroll")
    func navigation() {
        var list = SelectableList(items: items(100))
        list.viewportHeight = 10
        #expect(list.handle(.down) == .selectionChanged(1))
        #expect(list.handle(.char("j")) == .selectionChanged(2))
        #expect(list.handle(.char("k")) == .selectionChanged(1))
        #expect(list.handle(.pageDown) == .selectionChanged(10))
        #expect(list.handle(.end) == .selectionChanged(99))
        #expect(list.handle(.down) == .handled)  // already at the end
        let b = TerminalKitTests.render(list, width: 20, height: 10)
        #expect(b.line(9).hasPrefix("› Item 99"))
        #expect(b.line(0).hasPrefix("  Item 90"))
        #expect(list.handle(.char("g")) == .selectionChanged(0))
        #expect(list.handle(.enter) == .activated(0))
        #expect(list.handle(.char("x")) == .ignored)
        #expect(list.handle(.escape) == .ignored)
    }

    @Test("Filtering with / narrows the rows; Esc clears it")
    func filter() {
        var list = SelectableList(items: [
            ListItem(id: "1", title: "Größe ✓ 日本"), ListItem(id: "2", title: "apple pie"),
            ListItem(id: "3", title: "Apple tart", detail: "dessert"), ListItem(id: "4", title: "banana"),
        ])
        #expect(list.handle(.char("/")) == .handled)
        #expect(list.isFiltering)
        #expect(list.handle(.char("A")) == .filterChanged)
        #expect(list.handle(.char("p")) == .filterChanged)
        #expect(list.matches == [1, 2])  // case-insensitive
        _ = list.handle(.char(" "))
        _ = list.handle(.char("d"))
        #expect(list.matches == [2])  // every word must match (title or detail)
        let b = TerminalKitTests.render(list, width: 30, height: 4)
        #expect(b.line(0).hasPrefix("› Apple tart"))
        #expect(b.line(3).hasPrefix("/Ap d"))
        #expect(b.line(3).hasSuffix("1/4"))
        #expect(b.cursor != nil)
        #expect(list.handle(.enter) == .handled)  // leaves filter mode, keeps the filter
        #expect(!list.isFiltering)
        #expect(list.handle(.enter) == .activated(2))
        #expect(list.handle(.escape) == .filterChanged)
        #expect(list.matches.count == 4)
        #expect(list.selectedItem?.id == "3")  // selection kept
        // Non-ASCII filter.
        list.setFilter("日本")
        #expect(list.matches == [0])
        list.setFilter("zzz")
        let empty = TerminalKitTests.render(list, width: 30, height: 3)
        #expect(empty.contains("No matches"))
    }

    @Test("10,000+ rows: filtering and rendering stay linear and correct")
    func large() {
        let big = (0..<20_000).map { ListItem(id: "\($0)", title: "Task \($0) prompt text", detail: "ready") }
        var list = SelectableList(items: big)
        list.viewportHeight = 30
        list.setFilter("task 1999")
        #expect(list.matches.count == 12)  // words match anywhere: 1999, 11999, 19990...19999
        list.setFilter("task 19999")  // narrowing only scans previous matches
        #expect(list.matches == [19_999])
        list.setFilter("")
        #expect(list.matches.count == 20_000)
        _ = list.handle(.end)
        let b = TerminalKitTests.render(list, width: 40, height: 30)
        #expect(b.line(29).contains("Task 19999"))
        // Rendering draws only visible rows: a 30-row buffer holds 30 rows whatever the count.
        #expect(b.text.split(separator: "\n").count == 30)
    }

    @Test("Replacing items keeps the selected item by id")
    func setItems() {
        var list = SelectableList(items: items(10))
        list.select(id: "id5")
        list.setItems(Array(items(10).reversed()))
        #expect(list.selectedItem?.id == "id5")
        #expect(list.selectedIndex == 4)
        list.setItems([])
        #expect(list.selectedItem == nil)
        let b = TerminalKitTests.render(list, width: 20, height: 2)
        #expect(b.line(0) == "Nothing here")
    }

    @Test("Bordered list with title and a scrollbar")
    func bordered() {
        let list = SelectableList(items: items(50), title: "Tasks", bordered: true)
        let b = TerminalKitTests.render(list, width: 20, height: 6)
        #expect(b.line(0).hasPrefix("╭ Tasks ─"))
        #expect(b.line(5).hasPrefix("╰"))
        #expect(b[18, 1].character == "┃")  // scrollbar thumb at the top
        #expect(b[18, 4].character == "│")
    }

    @Test("Tiny areas: nothing drawn outside, the border closed as soon as it fits, the selection inside")
    func tiny() {
        let list = SelectableList(items: items(5), title: "T", bordered: true)
        let untouched = ScreenBuffer(width: 10, height: 10)
        for w in 0...4 {
            for h in 0...4 {
                // Drawn into the middle of a larger buffer, so a stray write would land on a cell we can see.
                let area = Rect(x: 3, y: 3, width: w, height: h)
                var buffer = untouched
                list.render(into: &buffer, in: area, theme: monoTheme, focused: true)
                for y in 0..<10 {
                    for x in 0..<10 where !area.contains(Point(x: x, y: y)) {
                        #expect(buffer[x, y] == untouched[x, y], "\(w)x\(h): cell (\(x), \(y)) outside the area was drawn")
                    }
                }
                let drawn = (3..<3 + h).map { buffer.rowText($0) }.joined()
                if w >= 2 && h >= 2 {
                    let corners = [buffer[3, 3], buffer[3 + w - 1, 3], buffer[3, 3 + h - 1], buffer[3 + w - 1, 3 + h - 1]]
                    #expect(corners.map(\.character) == ["╭", "╮", "╰", "╯"], "\(w)x\(h)")
                } else {
                    // Too small for a box: the area is cleared, no half border.
                    #expect(!drawn.contains { "╭╮╰╯─│".contains($0) }, "\(w)x\(h): \(drawn)")
                }
                if w >= 3 && h >= 3 {
                    #expect(buffer[4, 4].character == "›", "\(w)x\(h): the selected row's marker")
                }
            }
        }
    }
}

@Suite("Table")
struct TableTests {
    let columns = [
        TableColumn("Status", width: .fixed(8)),
        TableColumn("Prompt", width: .flex(2, min: 6)),
        TableColumn("Size", width: .min(5), alignment: .right),
    ]

    @Test("Column sizing: fixed, min and flex share the width")
    func widths() {
        #expect(Table.columnWidths(columns, totalWidth: 40) == [8, 19, 11])  // 38 after spacing
        #expect(Table.columnWidths(columns, totalWidth: 21) == [8, 6, 5])
        // Too narrow: columns on the right get what is left.
        #expect(Table.columnWidths(columns, totalWidth: 12) == [8, 2, 0])
        #expect(Table.columnWidths([], totalWidth: 10) == [])
    }

    @Test("Header, truncated cells, alignment and selection")
    func render() {
        var table = Table(columns: columns, rows: [
            TableRow(id: "1", cells: ["Ready", "Größe ✓ 日本 and a long prompt", "1024"], roles: [.success]),
            TableRow(id: "2", cells: ["Pending", "short", "512"]),
        ])
        let b = TerminalKitTests.render(table, width: 30, height: 4)
        #expect(Table.columnWidths(columns, totalWidth: 30) == [8, 12, 8])
        #expect(b.line(0) == "Status   Prompt           Size")
        #expect(b[0, 0].style.attributes.contains(.bold))  // header
        #expect(b.line(1) == "Ready    Größe ✓ 日…      1024")
        #expect(b.line(2) == "Pending  short             512")
        #expect(b[10, 1].style.attributes.contains(.reverse))  // selected row
        _ = table.handle(.down)
        let c = TerminalKitTests.render(table, width: 30, height: 4, theme: colorTheme)
        #expect(c[0, 1].style.foreground == colorTheme.style(.success).foreground)  // per-cell role
        #expect(c[0, 2].style == colorTheme.style(.selection))
        #expect(table.handle(.enter) == .activated(1))
        #expect(table.handle(.char("z")) == .ignored)
    }

    @Test("Navigation, scrolling and row replacement")
    func navigation() {
        var table = Table(columns: columns, rows: (0..<1000).map { TableRow(id: "\($0)", cells: ["s", "row \($0)", "\($0)"]) })
        table.viewportHeight = 5
        _ = table.handle(.end)
        let b = TerminalKitTests.render(table, width: 40, height: 6)
        #expect(b.line(5).contains("row 999"))
        #expect(b.line(1).contains("row 995"))
        table.setRows((0..<1000).reversed().map { TableRow(id: "\($0)", cells: ["s", "row \($0)", "\($0)"]) })
        #expect(table.selectedRow?.id == "999")
        #expect(table.selectedIndex == 0)
        let empty = Table(columns: columns, rows: [], emptyMessage: "No tasks yet")
        #expect(TerminalKitTests.render(empty, width: 30, height: 3).line(1) == "No tasks yet")
    }
}
