import FluxAPI
import Foundation
import ImagePreview
import TerminalKit

/// Draws the whole app into a screen buffer. Pure: the same state always gives the same buffer.
public enum AppView {
    public static func render(_ state: AppState, theme: Theme) -> ScreenBuffer { frame(state, theme: theme).buffer }

    /// The frame and where it put what can be clicked or scrolled (stored in `AppState.layout`).
    public static func frame(_ state: AppState, theme: Theme) -> (buffer: ScreenBuffer, layout: FrameLayout) {
        var buffer = ScreenBuffer(size: state.size, style: theme.style(.background))
        var layout = FrameLayout()
        if state.minimumSize.isTooSmall(state.size) {
            state.minimumSize.render(into: &buffer, theme: theme)
            return (buffer, layout)
        }
        let area = Rect(size: state.size)
        let rows = area.splitRows([.fixed(1), .fill(), .fixed(1), .fixed(1)])
        renderHeader(state, into: &buffer, in: rows[0], theme: theme, layout: &layout)
        record(state, content: rows[1], into: &layout)
        switch state.screen {
        case .picker: state.picker.render(into: &buffer, in: rows[1], theme: theme, hints: ActionCatalog.hints(for: state))
        case .form:
            if let form = state.form {
                form.render(into: &buffer, in: rows[1], theme: theme, hints: ActionCatalog.hints(for: state), cost: costLine(state, form),
                            forecast: state.sweepForecast.map { $0.text + " · Ctrl-S submits the batch" })
                if let preview = form.previewPlacement(in: rows[1]) { drawPreview(preview, state, into: &buffer, theme: theme) }
            }
        case .tasks:
            state.tasks.render(into: &buffer, in: rows[1], theme: theme, now: state.now, previews: state.previews,
                               colorMode: state.colorMode)
        case .finetunes: state.finetunes.render(into: &buffer, in: rows[1], theme: theme, hints: ActionCatalog.hints(for: state))
        case .composer:
            state.composer.render(into: &buffer, in: rows[1], theme: theme, cost: costLine(state, state.composer.form))
            if let preview = state.composer.previewPlacement(in: rows[1]) { drawPreview(preview, state, into: &buffer, theme: theme) }
        case .sheet:
            let sheet = state.sheet ?? ContactSheetState(batchID: "")
            let grid = SheetLayout(sheet, tasks: state.tasks.tasks(inBatch: sheet.batchID), in: rows[1])
            sheet.render(grid, into: &buffer, in: rows[1], previews: state.previews, colorMode: state.colorMode, theme: theme,
                         hints: ActionCatalog.hints(for: state))
            layout.sheet = grid.viewport
            layout.setList(.sheet, grid.grid)
            for cell in grid.visibleCells {
                let rect = Rect(x: cell.image.x, y: cell.image.y, width: cell.image.width, height: cell.image.height + cell.label.height)
                layout.add(rect, .sheetCell(cell.index))
            }
        }
        if let toast = state.toasts.current(at: state.instant) {
            toast.render(into: &buffer, in: rows[2], theme: theme)
        }
        statusBar(state).render(into: &buffer, in: rows[3], theme: theme)
        if state.overlay != nil { layout.coverAll() }
        if case .imagePreview(let path, let title)? = state.overlay {
            renderFullPreview(state, path: path, title: title, into: &buffer, in: rows[1], theme: theme)
        } else if case .compare(let left, let right)? = state.overlay {
            renderCompare(state, left: left, right: right, into: &buffer, in: rows[1], theme: theme)
        } else if let overlay = state.overlay {
            renderOverlay(overlay, into: &buffer, in: rows[1], theme: theme, layout: &layout)
        }
        return (buffer, layout)
    }

    /// The screen's lists and buttons, from the layout functions its render uses.
    static func record(_ state: AppState, content: Rect, into layout: inout FrameLayout) {
        switch state.screen {
        case .picker:
            let box = PickerState.listBox(in: content)
            let rows = state.picker.listRows(in: box)
            for row in rows { if let index = row.index { layout.add(row.rect, .row(.picker, index)) } }
            layout.setList(.picker, box.inset(1))
        case .tasks:
            let (body, visible) = state.tasks.tableBody(in: content)
            layout.addList(.tasks, body: body, visible: visible)
        case .finetunes:
            let (body, visible) = state.finetunes.listBody(in: content)
            layout.addList(.finetunes, body: body, visible: visible)
        case .form:
            if state.form != nil {
                let inner = content.inset(horizontal: 1, vertical: 1)
                let buttonRow = inner.splitRows([.fill(), .fixed(1), .fixed(1)])[2]
                layout.add(Rect(x: buttonRow.x, y: buttonRow.y, width: min(buttonRow.width, FormState.submitLabel.count), height: 1),
                           .submitButton)
                if let fields = state.form?.fieldsArea(in: content) { layout.add(fields, .formFields(fields)) }
            }
        case .composer, .sheet:
            break
        }
    }

    /// Between the header and the toast line: where the screens draw.
    /// A bordered preview box for an input image (form fields, composer images).
    static func drawPreview(_ preview: (path: String, frame: Rect, image: Rect), _ state: AppState, into buffer: inout ScreenBuffer,
                            theme: Theme) {
        buffer.fill(preview.frame, style: theme.style(.background))
        buffer.drawBox(preview.frame, style: theme.style(.border), title: "Preview", titleStyle: theme.style(.title))
        PreviewBox.render(PreviewKey(path: preview.path, columns: preview.image.width, rows: preview.image.height),
                          cache: state.previews, mode: state.colorMode, into: &buffer, in: preview.image, theme: theme)
    }

    static func contentArea(_ size: Size) -> Rect {
        Rect(size: size).splitRows([.fixed(1), .fill(), .fixed(1), .fixed(1)])[1]
    }

    /// The image part of the full-screen preview (below its title line).
    static func fullPreviewArea(_ size: Size) -> Rect { contentArea(size).droppingTop(1) }

    /// The `p` preview: a title line, then the image as large as the content area allows.
    static func renderFullPreview(_ state: AppState, path: String, title: String, into buffer: inout ScreenBuffer, in area: Rect,
                                  theme: Theme) {
        buffer.fill(area, style: theme.style(.background))
        let area = fullPreviewArea(state.size)
        let key = PreviewKey(path: path, columns: area.width, rows: area.height)
        var heading = " " + title
        if case .image(let image)? = state.previews[key]?.result { heading += " · \(image.sourceWidth)x\(image.sourceHeight)" }
        let titleRow = contentArea(state.size).row(0)
        buffer.fill(titleRow, style: theme.style(.header))
        let hint = "o open in viewer · any key closes "
        let hintWidth = DisplayWidth.of(hint)
        buffer.write(heading, x: titleRow.x, y: titleRow.y, style: theme.style(.header), clip: titleRow,
                     maxWidth: max(0, titleRow.width - hintWidth - 1))
        buffer.write(hint, x: titleRow.maxX - hintWidth, y: titleRow.y, style: theme.style(.hint), clip: titleRow)
        PreviewBox.render(key, cache: state.previews, mode: state.colorMode, into: &buffer, in: area, theme: theme)
    }

    /// The compare view over the content area; a task that left the list meanwhile is said so.
    static func renderCompare(_ state: AppState, left: String, right: String, into buffer: inout ScreenBuffer, in area: Rect,
                              theme: Theme) {
        guard let a = state.tasks.task(id: left), let b = state.tasks.task(id: right) else {
            buffer.fill(area, style: theme.style(.background))
            buffer.drawBox(area, style: theme.style(.borderFocused), title: "Compare · Esc closes", titleStyle: theme.style(.title))
            buffer.writeLine("A compared task is no longer on the list.", in: area.inset(horizontal: 2, vertical: 1).row(0),
                             style: theme.style(.muted))
            return
        }
        CompareView(left: a, right: b).render(into: &buffer, in: area, theme: theme, previews: state.previews, colorMode: state.colorMode)
    }

    static func renderHeader(_ state: AppState, into buffer: inout ScreenBuffer, in row: Rect, theme: Theme,
                             layout: inout FrameLayout) {
        buffer.fill(row, style: theme.style(.statusBar))
        var x = row.x
        x += buffer.write(" flux-tui ", x: x, y: row.y, style: theme.style(.statusAccent), clip: row)
        let tabs: [(String, Bool, Screen)] = [
            (" 1 Endpoints ", state.screen == .picker || state.screen == .form, .picker),
            (" 2 Tasks\(state.tasks.activeCount > 0 ? " (\(state.tasks.activeCount))" : "") ", state.screen == .tasks || state.screen == .sheet, .tasks),
            (" 3 Fine-tunes ", state.screen == .finetunes || state.screen == .composer, .finetunes),
        ]
        for (label, active, screen) in tabs {
            x += 1
            let width = buffer.write(label, x: x, y: row.y, style: active ? theme.style(.selection) : theme.style(.statusText), clip: row)
            layout.add(Rect(x: x, y: row.y, width: width, height: 1), .tab(screen))
            x += width
        }
        if state.screen == .form, let form = state.form {
            x += buffer.write("  › \(form.endpoint.id)", x: x, y: row.y, style: theme.style(.statusText), clip: row)
        }
    }

    /// "cost ~4 credits (estimate) · balance 998 credits": what the form's task will cost, as typed.
    static func costLine(_ state: AppState, _ form: FormState) -> String {
        var parts: [String] = []
        // A fine-tune is estimated from its iterations (a default stands in while the field is empty).
        if let estimate = state.costEstimator.estimate(form.endpoint, form.parameters().0, images: form.images) {
            parts.append("cost " + estimate.text)
        }
        if let credits = state.server.credits { parts.append("balance " + Credits.text(credits)) }
        return parts.joined(separator: " · ")
    }

    static func statusBar(_ state: AppState) -> StatusBar {
        var left: [StatusBar.Segment] = []
        if state.server.isSimulator {
            left.append(StatusBar.Segment(" SIMULATOR ", role: .warning))
        }
        left.append(StatusBar.Segment(" " + state.server.label, role: .statusText))
        let active = state.tasks.activeCount
        var center = [StatusBar.Segment("\(active) active / \(state.tasks.all.count) tasks", role: .statusText)]
        if let busy = state.busy { center.append(StatusBar.Segment("  ⟳ " + busy, role: .statusAccent)) }
        var right: [StatusBar.Segment] = []
        if let error = state.lastError {
            right.append(StatusBar.Segment("✗ " + TaskFormat.oneLine(error) + "  ", role: .error))
        }
        if let credits = state.server.credits {
            right.append(StatusBar.Segment("\(FieldSpec.formatted((credits * 100).rounded() / 100)) credits  ", role: .statusText))
        }
        right.append(StatusBar.Segment("? help", role: .statusAccent))
        return StatusBar(left: left, center: center, right: right)
    }

    static func renderOverlay(_ overlay: Overlay, into buffer: inout ScreenBuffer, in area: Rect, theme: Theme,
                              layout: inout FrameLayout) {
        buffer.restyle(area) { $0.adding(.dim) }
        switch overlay {
        case .help(let help):
            let frame = area.centered(width: min(area.width - 4, 76), height: min(area.height - 2, help.bindings.count + 6))
            help.render(into: &buffer, in: frame, theme: theme)
            layout.setList(.help, help.layout(in: frame).body)
        case .preview(let title, let lines, let offset):
            let frame = area.centered(width: min(area.width - 4, 100), height: max(5, min(area.height - 2, lines.count + 3)))
            buffer.fill(frame, style: theme.style(.dialog))
            buffer.drawBox(frame, style: theme.style(.borderFocused), title: title, titleStyle: theme.style(.title))
            let inner = frame.inset(horizontal: 2, vertical: 1)
            for (i, line) in lines.dropFirst(offset).prefix(max(0, inner.height - 1)).enumerated() {
                buffer.writeLine(line, in: inner.row(i), style: theme.style(.dialog))
            }
            buffer.writeLine("↑/↓ scroll · any other key closes" + (title.hasPrefix("JSON") ? " · base64 shortened, secrets hidden" : ""),
                             in: inner.row(inner.height - 1), style: theme.style(.hint))
        case .imagePreview, .compare:
            break  // drawn by `renderFullPreview` and `renderCompare`, which need the preview cache
        case .confirmQuit(let dialog), .confirmDelete(_, let dialog), .confirmSpend(let dialog, _), .confirmBatch(_, let dialog):
            dialog.render(into: &buffer, in: area, theme: theme)
            layout.add(dialog.frame(in: area), .dialog(area))
        case .copyMenu(_, let picker), .palette(let picker), .choices(_, let picker), .useFinetune(_, let picker),
             .promptSearch(let picker):
            let frame = area.centered(width: min(area.width - 4, 60), height: min(area.height - 2, picker.items.count + 4))
            layout.setList(.overlay, frame)
            layout.add(frame, .overlayList(frame.inset(horizontal: 1, vertical: 1)))
            buffer.fill(frame, style: theme.style(.dialog))
            buffer.drawBox(frame, style: theme.style(.borderFocused), title: picker.title, titleStyle: theme.style(.title))
            var inner = picker
            inner.title = nil
            inner.render(into: &buffer, in: frame.inset(horizontal: 1, vertical: 1), theme: theme, focused: true)
        }
    }
}
