import Foundation
import TaskStore
import TerminalKit

/// "Export tasks…" in the palette: choose a format, and every task on the list is written to the
/// output folder (off the loop), the toast saying where. The same files as `flux-tui export`.
enum ExportActions {
    static let group = "Global"

    static let all: [Action] = [
        Action("export", keys: [], title: "Export tasks… (JSON Lines, CSV or Markdown, to the output folder)", group: group) { state in
            let items = ExportFormat.allCases.map { ListItem(id: "export:export-\($0.rawValue)", title: $0.title, detail: ".\($0.fileExtension)") }
            state.overlay = .palette(SelectableList(items: items, title: "Export tasks as", filterable: false))
            return []
        },
    ]

    /// The format list's entries (palette ids `export:export-csv`), reached only through "Export tasks…".
    static let formats: [Action] = ExportFormat.allCases.map { format in
        Action("export-\(format.rawValue)", keys: [], title: "Export tasks as \(format.title)", group: group, inPalette: false) { state in
            state.toast("Exporting tasks as \(format.title)…", .info)
            return [.exportTasks(format)]
        }
    }
}
