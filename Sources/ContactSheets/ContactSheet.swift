import FluxAPI
import Foundation
import TaskStore

/// The grid of a batch: one cell per task, in batch order, labelled by the swept values. With
/// exactly two swept fields the grid is a table (rows: the first field's values, columns: the
/// second's, as the sweep's odometer turns the last field fastest, so batch order reads row by row);
/// otherwise the cells wrap, each with its own label. Pure: the app draws it with half blocks and
/// `flux-tui sheet` as a PNG, from the same cells.
public struct ContactSheet: Sendable, Equatable {
    public enum Arrangement: Sendable, Equatable {
        /// Two swept fields: `cells` is row-major, `rowValues.count` x `columnValues.count`.
        case table(rowField: String, rowValues: [String], columnField: String, columnValues: [String])
        /// Any other number of swept fields: the cells wrap to whatever width there is.
        case wrapping
    }

    public struct Cell: Sendable, Equatable {
        /// The task drawn here; nil where the batch has no task (one was removed from the list).
        public var taskID: String?
        /// "seed 3 · guidance 2.5", or "#4" when nothing is swept.
        public var label: String
        /// The output image, when the task finished with one.
        public var image: String?
        /// Why there is no image ("queued", "failed", "moderated", …); nil when there is one.
        public var placeholder: String?
        /// More about a failure (the server's or the engine's message).
        public var detail: String?

        public init(taskID: String?, label: String, image: String? = nil, placeholder: String? = nil, detail: String? = nil) {
            self.taskID = taskID
            self.label = label
            self.image = image
            self.placeholder = placeholder
            self.detail = detail
        }
    }

    public let batchID: String
    public let title: String
    public let arrangement: Arrangement
    public let cells: [Cell]

    /// A table larger than this many cells per task falls back to wrapping (a batch file that
    /// varies two fields freely would otherwise make a mostly empty square).
    static let sparseTableLimit = 4

    /// The sheet of `batch` from its tasks (any order; hidden ones are left out). Without the
    /// batch's record (not read yet, or gone) the varied fields are worked out from the tasks.
    public init(batchID: String, batch: BatchEntry?, tasks: [TaskEntry]) {
        let members = tasks.filter { $0.batchID == batchID && !$0.hidden }
            .sorted { ($0.batchIndex ?? Int.max, $0.createdAt) < ($1.batchIndex ?? Int.max, $1.createdAt) }
        let batch = batch ?? BatchEntry(id: batchID, endpoint: members.first?.endpoint, title: "Batch \(batchID.prefix(8))",
                                        variedFields: Self.variedFields(of: members), taskCount: members.count)
        self.batchID = batchID
        title = batch.title
        if batch.variedFields.count == 2, let table = Self.table(batch, members) {
            arrangement = table.arrangement
            cells = table.cells
        } else {
            arrangement = .wrapping
            cells = Self.wrapped(batch, members)
        }
    }

    // MARK: layout

    /// Columns of the grid when at most `available` fit: a table has its own; wrapping cells fill
    /// the width (and no more columns than cells).
    public func columns(fitting available: Int) -> Int {
        switch arrangement {
        case .table(_, _, _, let columnValues): return max(1, columnValues.count)
        case .wrapping: return max(1, min(available, cells.count))
        }
    }

    public func rows(columns: Int) -> Int { cells.isEmpty ? 0 : (cells.count + columns - 1) / max(1, columns) }

    public var isTable: Bool { if case .table = arrangement { return true } else { return false } }

    /// Cells with an image.
    public var finishedCount: Int { cells.lazy.filter { $0.image != nil }.count }

    // MARK: cells

    /// The cell of a task: its image, or why there is none.
    public static func cell(_ task: TaskEntry, label: String) -> Cell {
        switch task.phase {
        case .done:
            if let image = task.outputs.first { return Cell(taskID: task.id, label: label, image: image) }
            return Cell(taskID: task.id, label: label, placeholder: "no image")
        case .queued: return Cell(taskID: task.id, label: label, placeholder: "queued")
        case .submitting: return Cell(taskID: task.id, label: label, placeholder: "submitting")
        case .running:
            let percent = task.progress.map { " \(Int(($0 * 100).rounded()))%" } ?? ""
            return Cell(taskID: task.id, label: label, placeholder: "running" + percent)
        case .downloading: return Cell(taskID: task.id, label: label, placeholder: "downloading")
        case .moderated: return Cell(taskID: task.id, label: label, placeholder: "moderated", detail: task.error)
        case .failed: return Cell(taskID: task.id, label: label, placeholder: "failed", detail: task.error)
        case .uncertain: return Cell(taskID: task.id, label: label, placeholder: "uncertain", detail: task.error)
        case .cancelled: return Cell(taskID: task.id, label: label, placeholder: "not sent", detail: task.error)
        }
    }

    static let missing = "removed"

    /// Batch order; a place no task holds (removed from the list) gets a placeholder.
    static func wrapped(_ batch: BatchEntry, _ tasks: [TaskEntry]) -> [Cell] {
        let indexed = Dictionary(tasks.compactMap { t in t.batchIndex.map { ($0, t) } }, uniquingKeysWith: { a, _ in a })
        let unplaced = tasks.filter { $0.batchIndex == nil }
        let places = max(batch.taskCount, (indexed.keys.max() ?? -1) + 1)
        var cells: [Cell] = []
        cells.reserveCapacity(places + unplaced.count)
        for place in 0..<places {
            if let task = indexed[place] {
                cells.append(cell(task, label: batch.label(of: task)))
            } else {
                cells.append(Cell(taskID: nil, label: "#\(place + 1)", placeholder: missing))
            }
        }
        for task in unplaced { cells.append(cell(task, label: batch.label(of: task))) }
        return cells
    }

    /// Rows by the first varied field's values, columns by the second's, each in order of first
    /// appearance; nil when two tasks fall in one cell or the table would be mostly empty.
    static func table(_ batch: BatchEntry, _ tasks: [TaskEntry]) -> (arrangement: Arrangement, cells: [Cell])? {
        let rowField = batch.variedFields[0]
        let columnField = batch.variedFields[1]
        var rowValues: [String] = [], columnValues: [String] = []
        var rowIndex: [String: Int] = [:], columnIndex: [String: Int] = [:]
        var placed: [(row: Int, column: Int, task: TaskEntry)] = []
        for task in tasks {
            let r = batch.valueText(rowField, of: task) ?? "—"
            let c = batch.valueText(columnField, of: task) ?? "—"
            if rowIndex[r] == nil { rowIndex[r] = rowValues.count; rowValues.append(r) }
            if columnIndex[c] == nil { columnIndex[c] = columnValues.count; columnValues.append(c) }
            placed.append((rowIndex[r]!, columnIndex[c]!, task))
        }
        guard !placed.isEmpty else { return nil }
        let size = rowValues.count * columnValues.count
        guard size <= sparseTableLimit * tasks.count else { return nil }
        var cells: [Cell?] = Array(repeating: nil, count: size)
        for (r, c, task) in placed {
            let i = r * columnValues.count + c
            guard cells[i] == nil else { return nil }
            cells[i] = cell(task, label: batch.label(of: task))
        }
        let filled = cells.enumerated().map { i, cell in
            cell ?? Cell(taskID: nil, label: "\(rowField) \(rowValues[i / columnValues.count]) · "
                + "\(columnField) \(columnValues[i % columnValues.count])", placeholder: missing)
        }
        return (.table(rowField: rowField, rowValues: rowValues, columnField: columnField, columnValues: columnValues), filled)
    }

    /// The fields whose values differ between the tasks (prompt first, seed last, the others by
    /// name): labels for a batch whose record is not at hand.
    public static func variedFields(of tasks: [TaskEntry]) -> [String] {
        guard tasks.count > 1 else { return [] }
        var names = Set(tasks.flatMap { $0.parameters.values.keys })
        names.insert("seed")
        let probe = BatchEntry(id: "", endpoint: nil, title: "", variedFields: [], taskCount: 0)
        let varied = names.filter { name in Set(tasks.map { probe.valueText(name, of: $0) ?? "" }).count > 1 }
        return varied.sorted { a, b in
            func rank(_ n: String) -> Int { n == "prompt" ? 0 : n == "seed" ? 2 : 1 }
            return (rank(a), a) < (rank(b), b)
        }
    }
}

/// Keeping a selected row or column in view with as little scrolling as possible (the app's
/// sheet scrolls both ways).
public enum SheetScroll {
    /// The first visible index when `visible` of `count` show, starting from `current`.
    public static func first(selected: Int, count: Int, current: Int, visible: Int) -> Int {
        guard visible > 0, count > 0 else { return 0 }
        var first = min(current, selected)
        if selected >= first + visible { first = selected - visible + 1 }
        return max(0, min(first, count - visible))
    }
}
