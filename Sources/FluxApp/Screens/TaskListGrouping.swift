import FluxAPI
import Foundation
import TaskStore
import TerminalKit

/// One row of the task list when it is grouped by batch: a batch's header, or a task (by its
/// index in `TaskListState.all`).
public enum TaskListRow: Sendable, Equatable {
    case batch(String)
    case task(Int)
}

/// A batch's header row: its title and how far its tasks on the list have come. Built from the
/// tasks when asked for (only visible headers are drawn), so it is never out of date.
public struct BatchHeader: Sendable, Equatable {
    public let id: String
    /// The stored batch (title, varied fields), once known; the CLI's batches are read at start.
    public let entry: BatchEntry?
    /// Tasks of the batch on the list, and how many are ready, ended otherwise, or still going.
    public let total: Int
    public let done: Int
    public let failed: Int
    public let active: Int

    public var title: String { entry?.title ?? "batch \(id.prefix(8))" }
    /// The share of tasks that ended, ready or not: what the progress bar shows.
    public var fraction: Double { total == 0 ? 0 : Double(done + failed) / Double(total) }
    public var isFinished: Bool { total > 0 && active == 0 }

    /// "3/8 ready · 1 failed · 4 active"
    public var summary: String {
        var text = "\(done)/\(total) ready"
        if failed > 0 { text += " · \(failed) failed" }
        if active > 0 { text += " · \(active) active" }
        return text
    }
}

extension TaskListState {
    /// The header of a batch with tasks on the list.
    public func batchHeader(_ id: String) -> BatchHeader? {
        guard let members = batchMembers[id], !members.isEmpty else { return nil }
        var done = 0, failed = 0, active = 0
        for i in members {
            let phase = all[i].phase
            if phase == .done { done += 1 } else if phase.isActive { active += 1 } else { failed += 1 }
        }
        return BatchHeader(id: id, entry: batches[id], total: members.count, done: done, failed: failed, active: active)
    }

    /// A batch's tasks on the list, in batch order.
    public func tasks(inBatch id: String) -> [TaskEntry] { (batchMembers[id] ?? []).map { all[$0] } }

    /// The row under the cursor.
    public var selectedRow: TaskListRow? { cursor.selected.flatMap(row(at:)) }

    /// The batch whose header is under the cursor (grouped lists only). `g` and `r`/`R` on a
    /// header act on the whole batch.
    public var selectedBatch: BatchHeader? {
        guard case .batch(let id)? = selectedRow else { return nil }
        return batchHeader(id)
    }

    public func row(at index: Int) -> TaskListRow? {
        if let grouped { return grouped.indices.contains(index) ? grouped[index] : nil }
        if let matches { return matches.indices.contains(index) ? .task(matches[index]) : nil }
        return all.indices.contains(index) ? .task(index) : nil
    }

    /// Batches' tasks in batch order, by batch id (indices into `all`).
    static func members(of all: [TaskEntry]) -> [String: [Int]] {
        var members: [String: [Int]] = [:]
        for (i, task) in all.enumerated() { if let batch = task.batchID { members[batch, default: []].append(i) } }
        for (batch, indices) in members {
            members[batch] = indices.sorted { (all[$0].batchIndex ?? 0, all[$0].createdAt) < (all[$1].batchIndex ?? 0, all[$1].createdAt) }
        }
        return members
    }

    /// The grouped rows: each batch where its newest task would be, its header first and then its
    /// tasks (those the filter lets through) in batch order; other tasks as they are.
    static func groupedRows(all: [TaskEntry], visible: [Int]?, members: [String: [Int]]) -> [TaskListRow] {
        let shown = visible.map { Set($0) }
        var rows: [TaskListRow] = []
        rows.reserveCapacity((visible?.count ?? all.count) + members.count)
        var placed: Set<String> = []
        for i in visible ?? Array(all.indices) {
            guard let batch = all[i].batchID else {
                rows.append(.task(i))
                continue
            }
            guard placed.insert(batch).inserted else { continue }
            rows.append(.batch(batch))
            for member in members[batch] ?? [] where shown?.contains(member) ?? true { rows.append(.task(member)) }
        }
        return rows
    }

    /// Learns batches (their titles and varied fields) read from the store or just submitted.
    public mutating func addBatches(_ entries: [BatchEntry]) {
        for entry in entries { batches[entry.id] = entry }
    }

    /// Turns grouping by batch on or off, keeping the selection on the same task.
    public mutating func setGrouped(_ on: Bool) {
        let keep = selected?.id
        groupByBatch = on
        refilter(keeping: keep)
    }

    /// A batch's header row, drawn across the table: a progress bar in the status column, then
    /// the title and the counts.
    func renderHeader(_ header: BatchHeader, y: Int, x: Int, width: Int, statusWidth: Int, selected: Bool, theme: Theme,
                      into buffer: inout ScreenBuffer) {
        let clip = Rect(x: x, y: y, width: width, height: 1)
        let base = selected ? theme.style(.selection) : theme.style(.header)
        buffer.fill(clip, style: base)
        let bar = ProgressBar.bar(fraction: header.fraction, width: max(3, statusWidth))
        buffer.write(bar, x: x, y: y, style: selected ? base : theme.style(header.failed > 0 ? .warning : .progress), clip: clip,
                     truncatingTo: statusWidth)
        let text = "▸ \(header.title) · \(header.summary)"
        buffer.write(text, x: x + statusWidth + 1, y: y, style: base, clip: clip, truncatingTo: max(0, width - statusWidth - 1))
    }
}
