import FluxAPI
import Foundation
import ImagePreview
import TaskStore
import TerminalKit

/// The split view of two tasks (`m` on one, `=` on another): both previews side by side above a
/// table of their parameters, differing rows marked `≠` and highlighted, and the prompt diffed by
/// word (`[-removed-]` `{+inserted+}`, also coloured). Previews come from the cache like every
/// other preview (`AppUpdate.wantedPreviews` asks for both).
struct CompareView {
    let left: TaskEntry
    let right: TaskEntry

    struct Layout: Equatable {
        var frame: Rect
        var leftTitle: Rect
        var rightTitle: Rect
        var leftImage: Rect
        var rightImage: Rect
        var table: Rect
    }

    /// The table gets the rows it needs (header, parameters, two for the prompt diff, the count),
    /// the previews the rest, and at least a third of the height.
    func layout(in area: Rect) -> Layout {
        let inner = area.inset(horizontal: 1, vertical: 1)
        let difference = TaskDifference(left, right)
        let tableRows = difference.rows.count + 2 + (difference.prompt == nil ? 0 : 2)
        let imageRows = max(0, max(inner.height / 3, inner.height - 1 - tableRows))
        let rows = inner.splitRows([.fixed(1), .fixed(imageRows), .fill()])
        let halves = rows[1].splitColumns([.fill(), .fill()], spacing: 1)
        let titles = rows[0].splitColumns([.fill(), .fill()], spacing: 1)
        return Layout(frame: area, leftTitle: titles[0], rightTitle: titles[1], leftImage: halves[0], rightImage: halves[1],
                      table: rows[2])
    }

    /// The finished image of a task, if any, and where it goes.
    static func image(_ task: TaskEntry) -> String? {
        task.phase == .done ? task.outputs.first { !$0.hasSuffix(".json") } : nil
    }

    /// The previews the view draws in `area` (what `AppUpdate.wantedPreviews` asks for).
    func previewKeys(in area: Rect) -> [PreviewKey] {
        let layout = layout(in: area)
        return [(left, layout.leftImage), (right, layout.rightImage)].compactMap { task, box in
            guard let path = Self.image(task), !box.isEmpty else { return nil }
            return PreviewKey(path: path, columns: box.width, rows: box.height)
        }
    }

    static func title(_ task: TaskEntry, _ label: String) -> String {
        "\(label) \(String((task.remoteID ?? task.id).prefix(8))) · \(task.endpoint) · \(task.statusText ?? task.phase.rawValue)"
    }

    func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, previews: PreviewCache, colorMode: ColorMode) {
        let layout = layout(in: area)
        buffer.fill(area, style: theme.style(.background))
        buffer.drawBox(area, style: theme.style(.borderFocused), title: "Compare · Esc closes", titleStyle: theme.style(.title))
        for (task, label, title, box) in [(left, "A", layout.leftTitle, layout.leftImage), (right, "B", layout.rightTitle, layout.rightImage)] {
            buffer.writeLine(Self.title(task, label), in: title, style: theme.style(.header))
            if let path = Self.image(task) {
                PreviewBox.render(PreviewKey(path: path, columns: box.width, rows: box.height), cache: previews, mode: colorMode,
                                  into: &buffer, in: box, theme: theme)
            } else if !box.isEmpty {
                buffer.writeLine("no image (\(task.statusText ?? task.phase.rawValue))", in: box.row(box.height / 2),
                                 style: theme.style(.muted), alignment: .center)
            }
        }
        renderTable(into: &buffer, in: layout.table, theme: theme)
    }

    func renderTable(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme) {
        guard area.height > 0 else { return }
        let difference = TaskDifference(left, right)
        let nameWidth = min(22, max(10, area.width / 5))
        let valueWidth = max(1, (area.width - nameWidth - 4) / 2)
        let changed = difference.changed.count
        var y = area.y
        func row(_ marker: String, _ name: String, _ a: String, _ b: String, style: Style) {
            guard y < area.maxY else { return }
            let line = Rect(x: area.x, y: y, width: area.width, height: 1)
            buffer.fill(line, style: style)
            buffer.write(marker, x: area.x, y: y, style: style, clip: line)
            buffer.write(name, x: area.x + 2, y: y, style: style, clip: line, truncatingTo: nameWidth)
            buffer.write(TaskFormat.oneLine(a), x: area.x + 3 + nameWidth, y: y, style: style, clip: line, truncatingTo: valueWidth)
            buffer.write(TaskFormat.oneLine(b), x: area.x + 4 + nameWidth + valueWidth, y: y, style: style, clip: line,
                         truncatingTo: valueWidth)
            y += 1
        }
        row("", "PARAMETER", "A", "B", style: theme.style(.header))
        var rows = difference.rows
        // The prompt first (what people change most); its word diff under the table, full width.
        let promptRow = rows.firstIndex { $0.name == "prompt" }.map { rows.remove(at: $0) }
        if let promptRow { rows.insert(promptRow, at: 0) }
        for item in rows {
            row(item.differs ? "≠" : "", item.name, item.left, item.right, style: theme.style(item.differs ? .warning : .text))
        }
        if let prompt = difference.prompt, y < area.maxY {
            y += renderWordDiff(prompt, into: &buffer, in: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), theme: theme)
        }
        if y < area.maxY {
            let summary = changed == 0 ? "same parameters" : "\(changed) of \(difference.rows.count) differ"
            buffer.writeLine(summary, in: Rect(x: area.x, y: y, width: area.width, height: 1), style: theme.style(.muted))
        }
    }

    /// "prompt: a [-blue-] {+red+} lighthouse", wrapped; removed words in the error colour,
    /// inserted ones in the success colour. Returns the rows used.
    func renderWordDiff(_ changes: [WordChange], into buffer: inout ScreenBuffer, in area: Rect, theme: Theme) -> Int {
        var x = area.x, y = area.y
        let label = "prompt diff: "
        buffer.write(label, x: x, y: y, style: theme.style(.muted), clip: area)
        x += label.count
        for change in changes {
            let (text, role): (String, ThemeRole)
            switch change {
            case .same(let w): (text, role) = (w, .text)
            case .removed(let w): (text, role) = ("[-\(w)-]", .error)
            case .inserted(let w): (text, role) = ("{+\(w)+}", .success)
            }
            let width = DisplayWidth.of(text)
            if x + width > area.maxX, x > area.x + label.count {
                y += 1
                x = area.x + label.count
            }
            guard y < area.maxY else { return area.height }
            x += buffer.write(text, x: x, y: y, style: theme.style(role), clip: area) + 1
        }
        return y - area.y + 1
    }
}
