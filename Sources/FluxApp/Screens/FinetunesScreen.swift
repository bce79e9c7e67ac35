import FluxAPI
import Foundation
import TaskStore
import TerminalKit

/// The account's fine-tunes: training status, details, delete, and "use this fine-tune".
public struct FinetunesState: Sendable, Equatable {
    public private(set) var entries: [FinetuneEntry] = []
    public var cursor = ListCursor(count: 0)
    public var refreshing = false

    public init() {}

    public var selected: FinetuneEntry? { cursor.selected.flatMap { entries.indices.contains($0) ? entries[$0] : nil } }
    public var ids: [String] { entries.map(\.id) }

    public mutating func load(_ list: [FinetuneEntry]) {
        let keep = selected?.id
        entries = list.sorted { $0.createdAt > $1.createdAt }
        cursor.setCount(entries.count, selecting: keep.flatMap { id in entries.firstIndex { $0.id == id } })
    }

    public mutating func upsert(_ entry: FinetuneEntry) {
        var list = entries.filter { $0.id != entry.id }
        if !entry.hidden { list.append(entry) }
        load(list)
    }

    /// Where the rows go when the screen is drawn in `area`, and which rows show.
    public func listBody(in area: Rect) -> (body: Rect, visible: Range<Int>) {
        let parts = area.splitRows(selected == nil ? [.fill()] : [.fill(), .fixed(min(12, max(6, area.height / 3)))])
        let body = parts[0].inset(1).droppingTop(1)
        return (body, cursor.visibleRange(height: body.height))
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, hints: String = "") {
        guard !area.isEmpty else { return }
        let parts = area.splitRows(selected == nil ? [.fill()] : [.fill(), .fixed(min(12, max(6, area.height / 3)))])
        let title = "Fine-tunes (\(entries.count))\(refreshing ? " · refreshing…" : "")"
        buffer.drawBox(parts[0], style: theme.style(.borderFocused), title: title, titleStyle: theme.style(.title))
        let inner = parts[0].inset(1)
        guard inner.height > 0 else { return }
        buffer.writeLine("STATUS          ID          COMMENT                    MODE       TYPE", in: inner.row(0), style: theme.style(.header))
        let body = inner.droppingTop(1)
        if entries.isEmpty {
            buffer.writeLine("No fine-tunes yet. Press n to compose one from a folder of images (samples/finetune).", in: body.row(0),
                             style: theme.style(.muted))
            return
        }
        for (line, i) in cursor.visibleRange(height: body.height).enumerated() {
            let e = entries[i]
            let status: String
            if let p = e.progress, e.statusText != "Ready" { status = ProgressBar.bar(fraction: p, width: 9) + " \(Int(p * 100))%" }
            else { status = (e.statusText == "Ready" ? "✓ " : "● ") + (e.statusText ?? "unknown") }
            let cells = [DisplayWidth.fit(status, to: 15), DisplayWidth.fit(String(e.id.prefix(10)), to: 11),
                         DisplayWidth.fit(e.comment ?? "", to: 26), DisplayWidth.fit(e.mode ?? "", to: 10), e.finetuneType ?? ""]
            let selected = i == cursor.selected
            buffer.writeLine(cells.joined(separator: " "), in: body.row(line), style: selected ? theme.style(.selection) : theme.style(.text))
        }
        if parts.count > 1, let e = selected {
            buffer.drawBox(parts[1], style: theme.style(.border), title: "Details", titleStyle: theme.style(.title))
            let d = parts[1].inset(horizontal: 1, vertical: 1)
            var lines = ["id \(e.id)", "trigger word \(e.triggerWord ?? "?") · " + hints]
            if case .object(let fields)? = e.details {
                lines += fields.keys.sorted().map { "  \($0) = \(fields[$0]!.stringValue ?? fields[$0]!.serialized())" }
            }
            for (i, line) in lines.prefix(d.height).enumerated() {
                buffer.writeLine(line, in: d.row(i), style: theme.style(i == 1 ? .hint : .text))
            }
        }
    }
}
