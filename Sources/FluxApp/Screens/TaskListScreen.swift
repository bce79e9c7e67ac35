import FluxAPI
import Foundation
import ImagePreview
import TaskStore
import TerminalKit

/// The live task list: newest first, filterable, smooth with 10,000 tasks (only visible rows are
/// drawn; updates replace rows in place), with a detail pane for the selected task.
public struct TaskListState: Sendable, Equatable {
    public private(set) var all: [TaskEntry] = []
    private var position: [String: Int] = [:]
    /// Indices into `all` that pass the filter; nil when there is no filter (all rows).
    private(set) var matches: [Int]?
    /// Rows grouped by batch (`b`): nil when the list is not grouped.
    private(set) var grouped: [TaskListRow]?
    public internal(set) var groupByBatch = false
    /// Batches known by id (from the store, or just submitted): titles for the headers.
    public internal(set) var batches: [String: BatchEntry] = [:]
    /// Each batch's tasks in batch order (indices into `all`), kept with `all`.
    private(set) var batchMembers: [String: [Int]] = [:]
    public var filter = TextField(placeholder: "filter tasks")
    public var isFiltering = false
    public var cursor = ListCursor(count: 0)
    public var showDetail = true
    /// The task marked with `m`, to compare another with (`=`).
    public var markedID: String?

    public init() {}

    public var count: Int { grouped?.count ?? matches?.count ?? all.count }

    /// The task on a row; nil for a batch header (see `row(at:)`).
    public func task(atRow row: Int) -> TaskEntry? {
        guard case .task(let i)? = self.row(at: row) else { return nil }
        return all[i]
    }

    public var selected: TaskEntry? { cursor.selected.flatMap(task(atRow:)) }

    public func task(id: String) -> TaskEntry? { position[id].map { all[$0] } }

    /// Tasks still queued or running. Kept up to date by every change rather than counted: the
    /// header, the status bar and the table title all show it on every frame.
    public private(set) var activeCount = 0

    // MARK: changes

    /// Whether the stored tasks have been read (the app reads them off the UI loop at start).
    public private(set) var isLoaded = false
    /// Tasks removed in this session: a snapshot read before the removal must not bring them back.
    private var removedIDs: Set<String> = []

    /// Takes the tasks read from the store. The snapshot may be older than updates already shown
    /// (the engine keeps working while the store is read), so a task already here with the same or
    /// a later `updatedAt` is kept as it is, tasks missing from the snapshot stay, and removed
    /// ones stay removed.
    public mutating func load(_ tasks: [TaskEntry]) {
        let keep = selected?.id
        var merged = tasks.filter { !removedIDs.contains($0.id) && !$0.hidden }
        if !all.isEmpty {
            let loadedIDs = Set(merged.map(\.id))
            for (i, task) in merged.enumerated() {
                if let current = self.task(id: task.id), current.updatedAt >= task.updatedAt { merged[i] = current }
            }
            merged += all.filter { !loadedIDs.contains($0.id) }
        }
        all = merged.sorted { $0.createdAt > $1.createdAt }
        activeCount = all.lazy.filter { $0.phase.isActive }.count
        isLoaded = true
        reindex()
        refilter(keeping: keep)
    }

    /// Inserts or replaces one task, keeping the selection on the same task.
    public mutating func upsert(_ task: TaskEntry) {
        let keep = selected?.id
        if task.hidden {
            removedIDs.insert(task.id)
            guard let i = position[task.id] else { return }
            if all[i].phase.isActive { activeCount -= 1 }
            all.remove(at: i)
            reindex()
            refilter(keeping: keep == task.id ? nil : keep)
            return
        }
        if task.phase.isActive { activeCount += 1 }
        if let i = position[task.id] {
            if all[i].phase.isActive { activeCount -= 1 }
            all[i] = task
            if matches != nil { refilter(keeping: keep) }
        } else {
            let i = all.firstIndex { $0.createdAt <= task.createdAt } ?? all.endIndex
            all.insert(task, at: i)
            reindex()
            refilter(keeping: keep)
        }
    }

    public mutating func remove(id: String) {
        removedIDs.insert(id)
        guard let i = position[id] else { return }
        let keepRow = cursor.selected
        if all[i].phase.isActive { activeCount -= 1 }
        all.remove(at: i)
        reindex()
        refilter(keeping: nil)
        if let keepRow { cursor.select(min(keepRow, max(0, count - 1))) }
    }

    public mutating func select(id: String) {
        guard let i = position[id] else { return }
        if let grouped { if let row = grouped.firstIndex(of: .task(i)) { cursor.select(row) } }
        else if let matches { if let row = matches.firstIndex(of: i) { cursor.select(row) } } else { cursor.select(i) }
    }

    private mutating func reindex() {
        position = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.id, $0) })
        batchMembers = Self.members(of: all)
    }

    mutating func refilter(keeping id: String?) {
        var keptBatch: String?
        if case .batch(let b)? = selectedRow { keptBatch = b }
        let needle = filter.text.lowercased().trimmingCharacters(in: .whitespaces)
        if needle.isEmpty {
            matches = nil
        } else {
            matches = all.indices.filter { i in
                let t = all[i]
                return (t.prompt ?? "").lowercased().contains(needle) || t.endpoint.contains(needle)
                    || (t.statusText ?? t.phase.rawValue).lowercased().contains(needle)
                    || t.id.hasPrefix(needle) || (t.remoteID ?? "").lowercased().hasPrefix(needle)
            }
        }
        grouped = groupByBatch ? Self.groupedRows(all: all, visible: matches, members: batchMembers) : nil
        let row: Int? = id.flatMap { id in
            guard let i = position[id] else { return nil }
            if let grouped { return grouped.firstIndex(of: .task(i)) }
            return matches.map { $0.firstIndex(of: i) } ?? i
        } ?? keptBatch.flatMap { grouped?.firstIndex(of: .batch($0)) }
        cursor.setCount(count, selecting: row ?? cursor.selected ?? 0)
    }

    // MARK: filter

    /// Shows only the tasks whose prompt, endpoint, status or id contains `text`.
    public mutating func setFilter(_ text: String) {
        if filter.text != text { filter.text = text }
        refilter(keeping: selected?.id)
    }

    // MARK: view

    /// The tasks `task` was made from, as far as the list knows them (a parent removed from the
    /// list ends the chain with a note). Nil for a task made from scratch: the common case costs
    /// one optional check.
    public func lineage(of task: TaskEntry) -> TaskLineage? {
        guard task.parentID != nil else { return nil }
        return TaskLineage(of: task) { self.task(id: $0) }
    }

    /// Rows of the detail pane in an area of `size`: enough for the selected task's facts and
    /// parameters (in columns), at most three fifths of the area.
    func detailHeight(in size: Size) -> Int {
        guard showDetail, let task = selected else { return 0 }
        let view = TaskDetailView(task: task, now: Date(timeIntervalSince1970: 0), lineage: lineage(of: task))
        let needed = view.headerLineCount + (view.parameterCount + view.columns(width: size.width - 2) - 1)
            / view.columns(width: size.width - 2) + 2
        // A finished image gets rows for its preview beside the parameters.
        let previewRows = task.phase == .done && !task.outputs.isEmpty
            ? view.headerLineCount + 2 + max(6, size.height / 4) : 0
        return max(6, min(max(needed, previewRows), size.height * 3 / 5))
    }

    /// Table rows visible in an area of `size`; keeps PgUp/PgDn and scrolling in step with the view.
    public func tableBodyHeight(in size: Size) -> Int {
        let filterRow = isFiltering || !filter.text.isEmpty ? 1 : 0
        return max(0, size.height - detailHeight(in: size) - 2 - filterRow - 1)
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, now: Date,
                       previews: PreviewCache? = nil, colorMode: ColorMode = .c256) {
        guard !area.isEmpty else { return }
        let detailHeight = self.detailHeight(in: area.size)
        let parts = area.splitRows(detailHeight > 0 ? [.fill(), .fixed(detailHeight)] : [.fill()])
        renderTable(into: &buffer, in: parts[0], theme: theme, now: now)
        if parts.count > 1, let task = selected {
            TaskDetailView(task: task, now: now, lineage: lineage(of: task), previews: previews, colorMode: colorMode)
                .render(into: &buffer, in: parts[1], theme: theme)
        }
    }

    /// The preview the detail pane shows for the selected task in `area` (same layout as
    /// `render`), if any: what `AppUpdate.previewEffects` asks the runner to load.
    public func previewKey(in area: Rect) -> PreviewKey? {
        let detailHeight = self.detailHeight(in: area.size)
        guard !area.isEmpty, detailHeight > 0, let task = selected, let path = task.outputs.first else { return nil }
        let detail = area.splitRows([.fill(), .fixed(detailHeight)])[1]
        guard let box = TaskDetailView(task: task, now: Date(timeIntervalSince1970: 0), lineage: lineage(of: task))
            .previewBox(in: detail) else { return nil }
        return PreviewKey(path: path, columns: box.width, rows: box.height)
    }

    /// Where the table's rows go when the list is drawn in `area`, and which rows show: what
    /// `renderTable` draws and what a click or the wheel is resolved against.
    public func tableBody(in area: Rect) -> (body: Rect, visible: Range<Int>) {
        let detailHeight = self.detailHeight(in: area.size)
        let table = area.splitRows(detailHeight > 0 ? [.fill(), .fixed(detailHeight)] : [.fill()])[0]
        var inner = table.inset(1)
        if isFiltering || !filter.text.isEmpty { inner = inner.droppingTop(1) }
        let body = inner.droppingTop(1)
        return (body, cursor.visibleRange(height: body.height))
    }

    struct Columns {
        let widths: [Int]
        let showOutput: Bool
    }

    static func columns(width: Int) -> Columns {
        let showOutput = width >= 110
        let fixed = [15, 16, 11, 8]
        let output = showOutput ? max(20, width / 5) : 0
        let prompt = max(6, width - fixed.reduce(0, +) - output - (showOutput ? 5 : 4))
        return Columns(widths: fixed[0..<2] + [prompt] + fixed[2...] + (showOutput ? [output] : []), showOutput: showOutput)
    }

    private func renderTable(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, now: Date) {
        let active = activeCount
        let shown = matches?.count ?? all.count
        let title = "Tasks (\(all.count)\(shown != all.count ? ", \(shown) shown" : "")\(active > 0 ? ", \(active) active" : "")"
            + "\(groupByBatch ? ", by batch" : ""))"
        buffer.drawBox(area, style: theme.style(.borderFocused), title: title, titleStyle: theme.style(.title))
        var inner = area.inset(1)
        guard inner.height > 0 else { return }
        if isFiltering || !filter.text.isEmpty {
            buffer.write("/", x: inner.x, y: inner.y, style: theme.style(.key))
            filter.render(into: &buffer, in: inner.row(0).droppingLeft(2), theme: theme, focused: isFiltering)
            inner = inner.droppingTop(1)
        }
        let columns = Self.columns(width: inner.width)
        let headers = ["STATUS", "ENDPOINT", "PROMPT", "SEED", "ELAPSED"] + (columns.showOutput ? ["OUTPUT"] : [])
        writeRow(headers, widths: columns.widths, y: inner.y, x: inner.x, width: inner.width, style: theme.style(.header), into: &buffer)
        let body = inner.droppingTop(1)
        if count == 0 {
            let message = !isLoaded ? "Reading the task database…"
                : all.isEmpty ? "No tasks yet. Press 1, pick an endpoint, fill the form and press Ctrl-S."
                : "No task matches '\(filter.text)'."
            buffer.writeLine(message, in: body.row(0), style: theme.style(.muted))
            return
        }
        let range = cursor.visibleRange(height: body.height)
        for (line, row) in range.enumerated() {
            if case .batch(let id)? = self.row(at: row), let header = batchHeader(id) {
                renderHeader(header, y: body.y + line, x: body.x, width: body.width, statusWidth: columns.widths[0],
                             selected: row == cursor.selected, theme: theme, into: &buffer)
                continue
            }
            guard let task = task(atRow: row) else { continue }
            let isSelected = row == cursor.selected
            let y = body.y + line
            let base = isSelected ? theme.style(.selection) : theme.style(.text)
            buffer.fill(Rect(x: body.x, y: y, width: body.width, height: 1), style: base)
            let status = TaskFormat.statusCell(task, width: columns.widths[0])
            var prompt = TaskFormat.oneLine(task.prompt ?? "")
            if groupByBatch, let batch = task.batchID {
                // Under its header a task is told apart by its swept values.
                let label = batches[batch]?.label(of: task) ?? task.batchIndex.map { "#\($0 + 1)" } ?? ""
                prompt = "  " + label + (prompt.isEmpty ? "" : " · " + prompt)
            }
            var cells = [status.text, markedID == task.id ? "◆ " + task.endpoint : task.endpoint, prompt,
                         task.seed.map(String.init) ?? "—", TaskFormat.elapsed(task, now: now)]
            if columns.showOutput { cells.append(task.outputs.first.map(TaskFormat.fileName) ?? "—") }
            writeRow(cells, widths: columns.widths, y: y, x: body.x, width: body.width, style: base, into: &buffer,
                     firstStyle: isSelected ? base : theme.style(status.role), padded: false)
        }
    }

    /// `padded: false` when the row was filled with `style` already: cells are then written
    /// without trailing spaces (building the padded strings was a tenth of a frame).
    private func writeRow(_ cells: [String], widths: [Int], y: Int, x: Int, width: Int, style: Style,
                          into buffer: inout ScreenBuffer, firstStyle: Style? = nil, padded: Bool = true) {
        var cx = x
        let clip = Rect(x: x, y: y, width: width, height: 1)
        for (i, cell) in cells.enumerated() where i < widths.count {
            let w = widths[i]
            let cellStyle = i == 0 ? (firstStyle ?? style) : style
            if padded {
                buffer.write(DisplayWidth.fit(cell, to: w), x: cx, y: y, style: cellStyle, clip: clip)
            } else {
                buffer.write(cell, x: cx, y: y, style: cellStyle, clip: clip, truncatingTo: w)
            }
            cx += w + 1
        }
    }
}

/// Formatting shared by the list, the detail pane and tests.
public enum TaskFormat {
    public static func elapsed(_ task: TaskEntry, now: Date) -> String {
        let start = task.submittedAt ?? task.createdAt
        let end = task.phase.isActive ? now : (task.finishedAt ?? task.updatedAt)
        return duration(max(0, end.timeIntervalSince(start)))
    }

    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.down))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(twoDigits(s % 60))s" }
        return "\(s / 3600)h\(twoDigits(s % 3600 / 60))m"
    }

    /// "07" for 7 (`String(format:)` costs microseconds, and every visible row asks each frame).
    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// The last path component, without building a URL (every visible row asks each frame).
    public static func fileName(_ path: String) -> String {
        // Searching the bytes: "/" is ASCII and never part of another character in UTF-8.
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        let name = path[path.utf8.index(after: slash)...]
        return name.isEmpty ? URL(fileURLWithPath: path).lastPathComponent : String(name)
    }

    public static func oneLine(_ text: String) -> String {
        // Most text has neither; skipping Foundation's search keeps a 10,000-task list fast.
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x09 }) else { return text }
        return text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
    }

    /// The status column: a symbol and the status, with a progress bar while running.
    public static func statusCell(_ task: TaskEntry, width: Int) -> (text: String, role: ThemeRole) {
        switch task.phase {
        case .queued: return ("… Queued", .muted)
        case .submitting:
            if let p = task.progress {
                let percent = "\(Int((p * 100).rounded()))%"
                return ("↑" + ProgressBar.bar(fraction: p, width: max(3, width - percent.count - 2)) + " " + percent, .progress)
            }
            return ("↑ " + (task.statusText ?? "Submitting"), .info)
        case .running:
            let status = task.statusText ?? "Pending"
            if let p = task.progress {
                let percent = "\(Int((p * 100).rounded()))%"
                let barWidth = max(3, width - percent.count - 1)
                return (ProgressBar.bar(fraction: p, width: barWidth) + " " + percent, .progress)
            }
            return ("● " + status, .info)
        case .downloading: return ("↓ Downloading", .info)
        case .done: return ("✓ Ready", .success)
        case .moderated: return ("⚠ " + (task.statusText ?? "Moderated"), .warning)
        case .failed: return ("✗ " + (task.statusText.map { $0 == "Ready" ? "Download" : $0 } ?? "Failed"), .error)
        case .uncertain: return ("? Uncertain", .warning)
        case .cancelled: return ("– Cancelled", .muted)
        }
    }
}

/// Every fact about one task: parameters, timings, errors, outputs. Parameters are laid out in
/// columns so that all of them fit; what still does not fit is counted, never dropped silently.
struct TaskDetailView {
    let task: TaskEntry
    let now: Date
    /// Where the task comes from (rerun, edited resubmit): one line per step.
    var lineage: TaskLineage? = nil
    /// Previews to draw from (nil: no preview box, as in tests of the text alone).
    var previews: PreviewCache? = nil
    var colorMode: ColorMode = .c256

    /// Where a finished task's image preview goes inside the pane `area`: right of the
    /// parameters, below the full-width header lines (status, output paths, ids), a third of the
    /// width at most. Nil when there is no finished output or no room.
    func previewBox(in area: Rect) -> Rect? {
        guard task.phase == .done, !task.outputs.isEmpty else { return nil }
        let rest = area.inset(horizontal: 1, vertical: 1).droppingTop(headerLineCount)
        var width = min(rest.width / 3, rest.height * 4)
        guard rest.height >= 2, width >= 4 else { return nil }
        // Every parameter stays visible: narrow the preview until they fit beside it (if they can).
        let count = parameterCount
        func fits(_ w: Int) -> Bool { count <= columns(width: rest.width - w - 1) * rest.height }
        if !fits(width), let narrower = stride(from: width - 1, through: 4, by: -1).first(where: fits) { width = narrower }
        return Rect(x: rest.maxX - width, y: rest.y, width: width, height: rest.height)
    }

    /// `headerLines().count` without building the lines (layout asks on every key press).
    var headerLineCount: Int { 3 + (task.error == nil ? 0 : 1) + task.outputs.count + (lineage?.lineCount ?? 0) }

    /// `parameterCells().count`, likewise.
    var parameterCount: Int { task.parameters.values.count }

    func headerLines() -> [(String, ThemeRole)] {
        var out: [(String, ThemeRole)] = []
        let status = task.statusText ?? task.phase.rawValue
        var head = "\(task.endpoint) · \(status)"
        if let p = task.progress, task.phase.isActive { head += " \(Int((p * 100).rounded()))%" }
        head += " · \(TaskFormat.elapsed(task, now: now))"
        if let seed = task.seed { head += " · seed \(seed)" }
        if let cost = task.cost { head += " · \(FieldSpec.formatted(cost)) credits" }
        out.append((head, .text))
        if let error = task.error { out.append(("✗ " + error, task.phase == .moderated || task.phase == .uncertain ? .warning : .error)) }
        for path in task.outputs { out.append(("→ " + path, .success)) }
        for line in lineage?.lines ?? [] { out.append(("↰ " + line, .info)) }
        out.append(("id \(task.remoteID ?? "(not submitted)")", .muted))
        var times = "created \(ISO8601Timestamp.string(from: task.createdAt))"
        if let s = task.submittedAt { times += " · submitted \(ISO8601Timestamp.string(from: s))" }
        if let f = task.finishedAt { times += " · finished \(ISO8601Timestamp.string(from: f))" }
        out.append((times, .muted))
        return out
    }

    func parameterCells() -> [String] {
        let endpoint = EndpointRegistry.endpoint(named: task.endpoint)
        return task.parameters.values.keys.sorted().compactMap { name in
            guard let value = task.parameters[name] else { return nil }
            // A secret (webhook_secret) is held in memory until submitted: never draw it.
            let secret = endpoint?.field(name)?.kind == .secret
            return "  \(name) = \(secret ? "••••••" : TaskFormat.oneLine(value.displayText))"
        }
    }

    func columns(width: Int) -> Int { width >= 150 ? 3 : (width >= 70 ? 2 : 1) }

    /// Everything as lines for a pane of `width` columns (tests read this).
    func lines(width: Int = 118) -> [(String, ThemeRole)] {
        headerLines() + parameterCells().map { ($0, ThemeRole.text) }
    }

    func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme) {
        buffer.drawBox(area, style: theme.style(.border), title: "Details", titleStyle: theme.style(.title))
        var inner = area.inset(horizontal: 1, vertical: 1)
        guard inner.height > 0 else { return }
        if let previews, let path = task.outputs.first, let box = previewBox(in: area) {
            PreviewBox.render(PreviewKey(path: path, columns: box.width, rows: box.height), cache: previews, mode: colorMode,
                              into: &buffer, in: box, theme: theme)
            // Parameters go left of the preview; the header lines above it keep the full width.
            inner = Rect(x: inner.x, y: inner.y, width: inner.width, height: box.y - inner.y)
            let beside = Rect(x: inner.x, y: box.y, width: box.x - 1 - inner.x, height: box.height)
            renderParameters(into: &buffer, in: beside, theme: theme)
        }
        let header = headerLines()
        var y = 0
        for line in header where y < inner.height {
            buffer.writeLine(line.0, in: inner.row(y), style: theme.style(line.1))
            y += 1
        }
        renderParameters(into: &buffer, in: inner.droppingTop(y), theme: theme)
    }

    /// The parameters in as many columns as the width allows, in `area`.
    func renderParameters(into buffer: inout ScreenBuffer, in inner: Rect, theme: Theme) {
        let y = 0
        let cells = parameterCells()
        let cols = columns(width: inner.width)
        let rowsLeft = inner.height - y
        guard rowsLeft > 0, !cells.isEmpty else { return }
        let perColumn = (cells.count + cols - 1) / cols
        let shownRows = min(perColumn, rowsLeft)
        let fits = shownRows == perColumn
        let columnWidth = inner.width / cols
        for (i, cell) in cells.enumerated() {
            let column = i / perColumn, row = i % perColumn
            guard row < shownRows else { continue }
            let last = !fits && row == shownRows - 1 && column == cols - 1
            let text = last ? "  … \(cells.count - (shownRows - 1) * cols - 0) more (e opens them in the form)" : cell
            buffer.writeLine(text, in: Rect(x: inner.x + column * columnWidth, y: inner.y + y + row, width: columnWidth - 1, height: 1),
                             style: theme.style(last ? .muted : .text))
        }
    }
}
