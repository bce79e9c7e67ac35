// terminalkit-demo: a small program exercising TerminalKit on a real terminal through
// CursesBackend. The tmux end-to-end test drives it.
//
// Shows a list with Unicode rows, a text field and a status bar with the terminal size; below the
// minimum size it shows the "terminal too small" notice. Keys: ↑/↓ move, / filters, Tab switches
// between list and field, t cycles themes, ? shows help, q (in the list) or Ctrl-C quits.
// Mouse: a click on a row selects it, a click on the text field focuses it, the wheel scrolls the
// list.
// Options: --theme NAME, --min WIDTHxHEIGHT, --no-paste (bracketed paste off), --no-mouse.
// Elm-style: `update` changes `DemoState` for each event, `view` draws it; nothing else redraws.

import CursesBackend
import Foundation
import TerminalKit

enum Focus {
    case list, field
}

struct DemoState {
    var list: SelectableList
    var field = TextField(placeholder: "Type here (Tab switches focus)")
    var focus = Focus.list
    var size: Size
    var theme: Theme
    var themeIDs: [String]
    var loader: ThemeLoader
    var guardSize: MinimumSizeGuard
    var help: HelpOverlay?
    var message: Toast?
    var quit = false
}

let bindings: [KeyBinding] = [
    KeyBinding(keys: [.up, .down], description: "Move the selection", group: "List"),
    KeyBinding(.char("/"), "Filter the list", group: "List"),
    KeyBinding(.enter, "Choose the selected row", group: "List"),
    KeyBinding(.tab, "Switch between list and text field", group: "General"),
    KeyBinding(.char("t"), "Next theme", group: "General"),
    KeyBinding(.char("?"), "This help", group: "General"),
    KeyBinding(keys: [.char("q"), .ctrl("c")], description: "Quit", group: "General"),
    KeyBinding(keys: [.ctrl("a"), .ctrl("e")], description: "Start / end of the text", group: "Text field"),
    KeyBinding(keys: [.alt("b"), .alt("f")], description: "Word left / right", group: "Text field"),
    KeyBinding(keys: [.ctrl("k"), .ctrl("u"), .ctrl("w")], description: "Delete to end / to start / word", group: "Text field"),
]

func demoItems() -> [ListItem] {
    var items = [
        ListItem(id: "de", title: "Größe ✓ 日本", detail: "Latin + CJK"),
        ListItem(id: "e", title: "e\u{301}", detail: "combining accent"),
        ListItem(id: "emoji", title: "👍 Emoji row 🎉", detail: "wide emoji"),
        ListItem(id: "ko", title: "한국어 텍스트", detail: "Hangul"),
        ListItem(id: "el", title: "Ελληνικά и русский", detail: "Greek, Cyrillic"),
        ListItem(id: "box", title: "Box ┌─┐ │ └─┘ and blocks ▏▎▍▌▋▊▉█", detail: "drawing"),
    ]
    for i in 1...500 {
        items.append(ListItem(id: "row\(i)", title: "Row \(i)", detail: i % 7 == 0 ? "every 7th" : ""))
    }
    return items
}

/// Where `view` draws each part; `update` maps clicks with the same rectangles.
struct DemoLayout {
    var title, list, fieldRow, fieldLabel, field, hint, status: Rect

    init(_ size: Size) {
        let rows = Rect(size: size).splitRows([.fixed(1), .fill(), .fixed(1), .fixed(1), .fixed(1)])
        let fieldColumns = rows[2].splitColumns([.fixed(7), .fill()])
        (title, list, fieldRow, hint, status) = (rows[0], rows[1], rows[2], rows[3], rows[4])
        (fieldLabel, field) = (fieldColumns[0], fieldColumns[1].inset(by: EdgeInsets(right: 1)))
    }
}

func view(_ s: DemoState) -> ScreenBuffer {
    let theme = s.theme
    var buffer = ScreenBuffer(size: s.size, style: theme.style(.background))
    if s.guardSize.isTooSmall(s.size) {
        s.guardSize.render(into: &buffer, theme: theme)
        return buffer
    }
    let layout = DemoLayout(s.size)
    buffer.writeLine(" TerminalKit demo", in: layout.title, style: theme.style(.title))
    s.list.render(into: &buffer, in: layout.list, theme: theme, focused: s.focus == .list)
    buffer.writeLine(" Text:", in: layout.fieldLabel, style: theme.style(s.focus == .field ? .accent : .text))
    s.field.render(into: &buffer, in: layout.field, theme: theme, focused: s.focus == .field)
    if let toast = s.message {
        toast.render(into: &buffer, in: layout.hint, theme: theme)
    } else {
        let hint = s.focus == .list ? "q quit · / filter · Tab text field · t theme · ? help" : "Esc or Tab back to the list"
        buffer.writeLine(" " + hint, in: layout.hint, style: theme.style(.hint))
    }
    let selected = s.list.selectedItem?.title ?? "—"
    StatusBar(
        left: [.init("terminalkit-demo", role: .statusAccent), .init(" · \(s.theme.id)")],
        center: [.init(selected)],
        right: [.init("\(s.size)")]
    ).render(into: &buffer, in: layout.status, theme: theme)
    if let help = s.help {
        help.render(into: &buffer, in: Rect(size: s.size).inset(horizontal: 2, vertical: 1), theme: theme)
    }
    return buffer
}

/// The list's visible rows for a size (inside the border of `DemoLayout.list`).
func listViewport(_ size: Size) -> Int { max(1, DemoLayout(size).list.height - 2) }

/// A left click selects the row under it or focuses the text field; the wheel scrolls the list.
func handleMouse(_ s: inout DemoState, _ m: MouseEvent) {
    guard !s.guardSize.isTooSmall(s.size) else { return }
    let layout = DemoLayout(s.size)
    switch m.kind {
    case .press(button: 0):
        if let i = s.list.itemIndex(at: m.position, in: layout.list) {
            s.focus = .list
            s.list.select(index: i)
        } else if layout.fieldRow.contains(m.position) {
            s.focus = .field
        }
    case .scrollUp, .scrollDown:
        if layout.list.contains(m.position) { _ = s.list.handle(.mouse(m)) }
    default:
        break
    }
}

func update(_ s: inout DemoState, _ event: KeyEvent, colorMode: ColorMode) {
    if case .resize(let w, let h) = event {
        s.size = Size(width: w, height: h)
        s.list.viewportHeight = listViewport(s.size)
        return
    }
    if event == .ctrl("c") {
        s.quit = true
        return
    }
    if var help = s.help {
        s.help = help.handle(event) == .dismissed ? nil : help
        return
    }
    s.message = nil
    if case .mouse(let m) = event { return handleMouse(&s, m) }
    switch s.focus {
    case .list:
        let outcome = s.list.handle(event)
        switch outcome {
        case .activated(let i):
            s.message = Toast("Chose “\(s.list.items[i].title)”", kind: .success)
        case .ignored:
            switch event {
            case .char("q"): s.quit = true
            case .tab: s.focus = .field
            case .char("?"): s.help = HelpOverlay(title: "Keys", bindings: bindings)
            case .char("t"):
                let i = ((s.themeIDs.firstIndex(of: s.theme.id) ?? -1) + 1) % max(1, s.themeIDs.count)
                let result = s.loader.load(s.themeIDs.isEmpty ? nil : s.themeIDs[i], colorMode: colorMode)
                s.theme = result.theme
                if let problem = result.problems.first { s.message = Toast(problem.description, kind: .error) }
            default: break
            }
        default: break
        }
    case .field:
        switch s.field.handle(event) {
        case .ignored where event == .tab || event == .escape || event == .backTab:
            s.focus = .list
        case .submitted:
            s.message = Toast("You typed “\(s.field.text)”", kind: .info)
        default: break
        }
    }
}

// MARK: main

var themeID: String? = nil
var minimum = Size(width: 80, height: 24)
var bracketedPaste = true
var mouse = true
var args = CommandLine.arguments.dropFirst().makeIterator()
while let arg = args.next() {
    switch arg {
    case "--theme": themeID = args.next()
    case "--min":
        let parts = (args.next() ?? "").split(separator: "x").compactMap { Int($0) }
        if parts.count == 2 { minimum = Size(width: parts[0], height: parts[1]) }
    case "--no-paste": bracketedPaste = false
    case "--no-mouse": mouse = false
    case "-h", "--help":
        print("usage: terminalkit-demo [--theme NAME] [--min WIDTHxHEIGHT] [--no-paste] [--no-mouse]")
        exit(0)
    default:
        FileHandle.standardError.write(Data("terminalkit-demo: unknown option \(arg)\n".utf8))
        exit(2)
    }
}

do {
    try await CursesTerminal.run(options: .init(bracketedPaste: bracketedPaste, mouse: mouse)) { terminal in
        let loader = ThemeLoader.standard()
        let loaded = loader.load(themeID, colorMode: terminal.colorMode)
        var state = DemoState(
            list: SelectableList(items: demoItems(), title: "Unicode rows", bordered: true),
            size: terminal.size,
            theme: loaded.theme,
            themeIDs: loader.availableThemes().map(\.id),
            loader: loader,
            guardSize: MinimumSizeGuard(minimum: minimum))
        state.list.viewportHeight = listViewport(state.size)
        if let problem = loaded.problems.first { state.message = Toast(problem.description, kind: .error) }
        terminal.present(view(state))
        for await event in terminal.events {
            update(&state, event, colorMode: terminal.colorMode)
            if state.quit { break }
            terminal.present(view(state))
        }
    }
    print("terminalkit-demo: bye")
} catch {
    FileHandle.standardError.write(Data("terminalkit-demo: \(error)\n".utf8))
    exit(1)
}
