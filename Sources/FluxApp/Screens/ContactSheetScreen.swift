import ContactSheets
import Foundation
import ImagePreview
import TaskStore
import TerminalKit

/// The contact sheet of a batch (`g` on one of its tasks): half-block thumbnails in a grid,
/// labelled by the swept values, rows and columns headed for two swept fields. The grid is built
/// from the batch's tasks on the list (`TaskListState.tasks(inBatch:)`, kept in batch order, so a
/// frame does not walk the whole list) on every frame, so cells fill in as the tasks finish.
public struct ContactSheetState: Sendable, Equatable {
    public var batchID: String
    /// The batch's record from the store (`.loadBatch`); until it comes the labels are worked out
    /// from the tasks.
    public var batch: BatchEntry?
    /// The selected cell (batch order).
    public var selected = 0
    /// Where the last frame put the grid: its columns, the first row and column it showed and how
    /// many (written back by rendering, see `AppState.adopt`).
    public var viewport = SheetViewport()

    public init(batchID: String, batch: BatchEntry? = nil) {
        self.batchID = batchID
        self.batch = batch
    }

    public func sheet(_ tasks: [TaskEntry]) -> ContactSheet { ContactSheet(batchID: batchID, batch: batch, tasks: tasks) }

    /// Takes the batch's record; the selection stays on the same task (the record's field order
    /// may arrange the grid differently from the one worked out from the tasks).
    mutating func receive(_ batch: BatchEntry, tasks: [TaskEntry]) {
        let before = sheet(tasks).cells
        let taskID = before.indices.contains(selected) ? before[selected].taskID : nil
        self.batch = batch
        if let taskID, let index = sheet(tasks).cells.firstIndex(where: { $0.taskID == taskID }) { selected = index }
    }

    /// Moves the selection by `columns` cells sideways and `rows` up or down, staying on the grid
    /// (sideways moves stop at the row's ends).
    mutating func move(columns dx: Int, rows dy: Int, cellCount: Int) {
        guard cellCount > 0 else { return }
        let width = max(1, viewport.columns)
        let (row, column) = (selected / width, selected % width)
        let newColumn = min(max(0, column + dx), width - 1)
        let target = (row + dy) * width + newColumn
        if target >= 0, target < cellCount { selected = target } else if dy > 0, row + dy <= (cellCount - 1) / width {
            selected = cellCount - 1  // the last row is short: land on its last cell
        }
    }
}

/// The grid's scroll state as drawn.
public struct SheetViewport: Sendable, Equatable {
    public var columns = 1
    public var firstRow = 0
    public var firstColumn = 0
    public var visibleRows = 1
    public var visibleColumns = 1
}

/// Where the sheet's parts go in the content area. Rendering and `AppUpdate.wantedPreviews` both
/// use it, so the previews loaded are the ones drawn.
struct SheetLayout {
    static let maxCellWidth = 32
    static let minCellWidth = 12
    /// At most this many thumbnails show at once: the preview cache keeps 32.
    static let maxVisibleCells = 24

    let sheet: ContactSheet
    let grid: Rect
    let info: Rect
    let hints: Rect
    let columnHeader: Rect?
    let rowHeaderWidth: Int
    let cellWidth: Int
    let imageRows: Int
    let viewport: SheetViewport

    var cellHeight: Int { imageRows + 2 }  // the image, its label, a blank row

    init(_ state: ContactSheetState, tasks: [TaskEntry], in area: Rect) {
        sheet = state.sheet(tasks)
        let inner = area.inset(1)
        let parts = inner.splitRows([.fill(), .fixed(1), .fixed(1)])
        info = parts[1]
        hints = parts[2]
        var grid = parts[0]
        if case .table(let rowField, let rowValues, _, _) = sheet.arrangement {
            // Wide enough for the values and the field's name above them (at most 14 columns).
            rowHeaderWidth = min(14, ((rowValues + [rowField]).map { DisplayWidth.of($0) }.max() ?? 0) + 1)
            columnHeader = Rect(x: grid.x + rowHeaderWidth, y: grid.y, width: max(0, grid.width - rowHeaderWidth), height: 1)
            grid = grid.droppingTop(1).droppingLeft(rowHeaderWidth)
        } else {
            rowHeaderWidth = 0
            columnHeader = nil
        }
        self.grid = grid
        // Up to six cells across, each at least `minCellWidth` columns and one column apart.
        let fitting = max(1, min(6, (grid.width + 1) / (Self.minCellWidth + 1)))
        let columns = sheet.columns(fitting: fitting)
        let visibleColumns = min(columns, fitting)
        cellWidth = max(1, min(Self.maxCellWidth, (grid.width + 1) / visibleColumns - 1))
        // Half blocks: a square picture `cellWidth` pixels wide is `cellWidth / 2` rows high; lower
        // when that would show fewer than three rows of the grid (pictures keep their shape).
        let rows = sheet.rows(columns: columns)
        imageRows = max(1, min(cellWidth / 2, grid.height / max(1, min(rows, 3)) - 2))
        let visibleRows = max(1, min(grid.height / (imageRows + 2), Self.maxVisibleCells / visibleColumns))
        let selected = min(state.selected, max(0, sheet.cells.count - 1))
        viewport = SheetViewport(
            columns: columns,
            firstRow: SheetScroll.first(selected: selected / columns, count: rows, current: state.viewport.firstRow, visible: visibleRows),
            firstColumn: SheetScroll.first(selected: selected % columns, count: columns, current: state.viewport.firstColumn,
                                           visible: visibleColumns),
            visibleRows: visibleRows, visibleColumns: visibleColumns)
    }

    /// The cells drawn, with where their picture and label go.
    var visibleCells: [(index: Int, image: Rect, label: Rect)] {
        var out: [(Int, Rect, Rect)] = []
        for line in 0..<viewport.visibleRows {
            for slot in 0..<viewport.visibleColumns {
                let index = (viewport.firstRow + line) * viewport.columns + viewport.firstColumn + slot
                guard viewport.firstColumn + slot < viewport.columns, index < sheet.cells.count else { continue }
                let x = grid.x + slot * (cellWidth + 1)
                let y = grid.y + line * cellHeight
                let image = Rect(x: x, y: y, width: cellWidth, height: imageRows).intersection(grid)
                let label = Rect(x: x, y: y + imageRows, width: cellWidth, height: 1).intersection(grid)
                out.append((index, image, label))
            }
        }
        return out
    }

    /// The previews the visible cells show.
    var previewKeys: [PreviewKey] {
        visibleCells.compactMap { cell in
            sheet.cells[cell.index].image.map { PreviewKey(path: $0, columns: cell.image.width, rows: cell.image.height) }
        }
    }
}

extension ContactSheetState {
    /// Draws the sheet as `layout` (made for `area`) places it.
    func render(_ layout: SheetLayout, into buffer: inout ScreenBuffer, in area: Rect, previews: PreviewCache, colorMode: ColorMode,
                theme: Theme, hints: String) {
        guard !area.isEmpty else { return }
        let sheet = layout.sheet
        let title = "Contact sheet · \(sheet.title) · batch \(batchID.prefix(8)) (\(sheet.finishedCount)/\(sheet.cells.count) ready)"
        buffer.drawBox(area, style: theme.style(.borderFocused), title: title, titleStyle: theme.style(.title))
        buffer.writeLine(hints, in: layout.hints, style: theme.style(.hint))
        guard !sheet.cells.isEmpty else {
            buffer.writeLine("No task of batch \(batchID.prefix(8)) is on the list.", in: layout.grid.row(0), style: theme.style(.muted))
            return
        }
        let viewport = layout.viewport
        if case .table(let rowField, let rowValues, let columnField, let columnValues) = sheet.arrangement,
           let header = layout.columnHeader {
            let corner = Rect(x: header.x - layout.rowHeaderWidth, y: header.y, width: layout.rowHeaderWidth, height: 1)
            buffer.write(rowField, x: corner.x, y: corner.y, style: theme.style(.muted), clip: corner,
                         truncatingTo: max(0, corner.width - 1))
            for slot in 0..<viewport.visibleColumns where viewport.firstColumn + slot < columnValues.count {
                let x = header.x + slot * (layout.cellWidth + 1)
                buffer.write("\(columnField) \(columnValues[viewport.firstColumn + slot])", x: x, y: header.y,
                             style: theme.style(.header), clip: header, truncatingTo: layout.cellWidth)
            }
            for line in 0..<viewport.visibleRows where viewport.firstRow + line < rowValues.count {
                let y = layout.grid.y + line * layout.cellHeight + layout.imageRows / 2
                buffer.write(rowValues[viewport.firstRow + line], x: corner.x, y: y, style: theme.style(.header),
                             truncatingTo: max(0, layout.rowHeaderWidth - 1))
            }
        }
        let selected = min(self.selected, sheet.cells.count - 1)
        for (index, image, label) in layout.visibleCells {
            let cell = sheet.cells[index]
            if let path = cell.image {
                PreviewBox.render(PreviewKey(path: path, columns: image.width, rows: image.height), cache: previews, mode: colorMode,
                                  into: &buffer, in: image, theme: theme)
            } else {
                buffer.fill(image, style: theme.style(.dialog))
                let lines = PreviewBox.wrap(cell.placeholder ?? "no image", width: image.width)
                let top = image.y + max(0, (image.height - lines.count) / 2)
                for (i, line) in lines.prefix(image.height).enumerated() {
                    buffer.writeLine(line, in: Rect(x: image.x, y: top + i, width: image.width, height: 1),
                                     style: theme.style(cell.placeholder == "failed" || cell.placeholder == "moderated" ? .warning : .muted),
                                     alignment: .center)
                }
            }
            // In a table the headers name the values; the label row then says what is missing.
            let text = sheet.isTable ? (cell.placeholder ?? "") : cell.label
            buffer.writeLine((index == selected ? "▸ " : "") + text, in: label,
                             style: index == selected ? theme.style(.selection) : theme.style(.text))
        }
        let cell = sheet.cells[selected]
        var facts = [cell.label]
        if let why = cell.placeholder { facts.append(why + (cell.detail.map { ": \($0)" } ?? "")) }
        if let path = cell.image { facts.append(TaskFormat.fileName(path)) }
        facts.append("\(selected + 1) of \(sheet.cells.count)")
        buffer.writeLine(facts.joined(separator: " — "), in: layout.info, style: theme.style(.text))
    }
}
