import TerminalKit

/// What the last frame drew where: the click targets and the rows each list showed. `AppView`
/// fills it while it draws and the runner stores it in `AppState.layout` (as ratatui's stateful
/// widgets write their scroll state back), so a click or PgDn is resolved against what the user
/// saw, and `update` never repeats the views' layout arithmetic.
public struct FrameLayout: Sendable, Equatable {
    /// The scrollable lists of the app.
    public enum List: Sendable, Hashable {
        case picker, tasks, finetunes, composerImages, overlay, help
        /// The contact sheet's grid (the wheel moves a row of cells per notch).
        case sheet
    }

    /// Something a click can mean.
    public enum Target: Sendable, Equatable {
        case tab(Screen)
        /// A row of a list: the list's own row number (not the screen row).
        case row(List, Int)
        /// The form's fields, drawn in this rect (the widget knows which field is where).
        case formFields(Rect)
        case submitButton
        /// A list overlay's items, drawn in this rect.
        case overlayList(Rect)
        /// A dialog drawn centred in this rect.
        case dialog(Rect)
        /// A contact sheet's cell (its picture and label), by its place in the batch.
        case sheetCell(Int)
    }

    public struct Region: Sendable, Equatable {
        public var rect: Rect
        public var target: Target
    }

    /// Click targets in drawing order: a later one is on top.
    public private(set) var regions: [Region] = []
    /// The area each list was drawn in (the wheel scrolls the list under the pointer).
    public private(set) var lists: [List: Rect] = [:]
    /// The contact sheet's grid as drawn (its columns and what it scrolled to).
    public var sheet: SheetViewport?

    public init() {}

    mutating func add(_ rect: Rect, _ target: Target) {
        guard !rect.isEmpty else { return }
        regions.append(Region(rect: rect, target: target))
    }

    /// Records a list drawn in `body` showing rows `visible` from its first row.
    mutating func addList(_ list: List, body: Rect, visible: Range<Int>) {
        lists[list] = body
        for (line, row) in visible.enumerated() where line < body.height {
            add(Rect(x: body.x, y: body.y + line, width: body.width, height: 1), .row(list, row))
        }
    }

    mutating func setList(_ list: List, _ area: Rect) { lists[list] = area }

    /// Starts the overlay layer: what is under an overlay cannot be clicked.
    mutating func coverAll() {
        regions.removeAll()
        lists.removeAll()
    }

    /// The topmost target at a screen point.
    public func target(at point: Point) -> Target? {
        regions.last { $0.rect.contains(point) }?.target
    }

    /// The list under a screen point (for the wheel).
    public func list(at point: Point) -> List? {
        lists.first { $0.value.contains(point) }?.key
    }

    /// Rows a list showed (0 when it was not drawn).
    public func height(of list: List) -> Int { lists[list]?.height ?? 0 }
}

extension AppState {
    /// Takes the layout of the frame just drawn: lists page by the rows they showed.
    public mutating func adopt(_ layout: FrameLayout) {
        self.layout = layout
        if let height = layout.lists[.tasks]?.height { tasks.cursor.viewportHeight = height }
        if let height = layout.lists[.picker]?.height { picker.cursor.viewportHeight = height }
        if let height = layout.lists[.finetunes]?.height { finetunes.cursor.viewportHeight = height }
        if let viewport = layout.sheet { sheet?.viewport = viewport }
        if case .help(var help)? = overlay, let height = layout.lists[.help]?.height, help.viewportHeight != height {
            help.viewportHeight = height
            overlay = .help(help)
        }
    }
}
