import FluxAPI
import Foundation
import TerminalKit

/// The fine-tune composer: choose a folder, see every image with its format, size and caption,
/// edit captions in place, fix the problems it lists, fill the training settings, and submit.
public struct ComposerState: Sendable, Equatable {
    public enum Focus: Sendable, Equatable { case path, images, fields }

    public var path = TextField(placeholder: "folder of training images (Tab completes, Enter scans)")
    public var focus = Focus.path
    public private(set) var dataset: FinetuneDataset?
    public var images = ListCursor(count: 0)
    public var form = FormState(endpoint: EndpointRegistry.endpoint(named: "finetune")!, excluding: ["file_data"])
    /// The caption being edited: image name and editor.
    public var caption: (name: String, editor: TextArea)?
    public var completionHint: String?

    public init() {}

    public static func == (a: ComposerState, b: ComposerState) -> Bool {
        a.path == b.path && a.focus == b.focus && a.dataset == b.dataset && a.images == b.images && a.form == b.form
            && a.caption?.name == b.caption?.name && a.caption?.editor == b.caption?.editor && a.completionHint == b.completionHint
    }

    public var folderPath: String { ValueParser.expandPath(path.text.trimmingCharacters(in: .whitespaces)) }

    public mutating func setDataset(_ dataset: FinetuneDataset) {
        let keep = images.selected
        self.dataset = dataset
        images.setCount(dataset.images.count, selecting: keep)
    }

    public var selectedImage: DatasetImage? {
        guard let dataset, let i = images.selected, dataset.images.indices.contains(i) else { return nil }
        return dataset.images[i]
    }

    /// Gives a key to the focused text: the caption editor (which takes every key but Ctrl-S and
    /// Esc), the folder path, or the focused training setting. False when it does not take the key.
    public mutating func handleFocusedText(_ key: KeyEvent) -> Bool {
        completionHint = nil
        if var editing = caption {
            if key == .ctrl("s") || key == .escape { return false }
            _ = editing.editor.handle(key)
            caption = editing
            return true
        }
        switch focus {
        case .path: return TextFocus.took(path.handle(key)) != nil
        case .images: return false
        case .fields: return form.handleFocusedControl(key)
        }
    }

    /// Tab order: folder → images (once scanned) → settings → folder.
    public mutating func moveFocus(forward: Bool) {
        completionHint = nil
        form.submitFocused = false
        switch (focus, forward) {
        case (.path, true): focus = dataset == nil ? .fields : .images
        case (.images, true): focus = .fields
        case (.fields, true): focus = .path
        case (.path, false): focus = .fields
        case (.images, false): focus = .path
        case (.fields, false): focus = dataset == nil ? .path : .images
        }
    }

    /// Opens the caption editor on the selected image.
    public mutating func editCaption() {
        guard let image = selectedImage else { return }
        var editor = TextArea(text: image.caption ?? "")
        editor.placeholder = "caption for \(image.name) (Ctrl-S saves, Esc cancels)"
        caption = (image.name, editor)
    }

    /// Validates the folder and the settings: the parameters to submit, or why not.
    public mutating func attemptSubmit() -> Result<TaskParameters, SubmitBlocked> {
        guard let dataset else { return .failure(SubmitBlocked(message: "scan a folder first: type its path and press Enter")) }
        if dataset.issues.hasErrors {
            return .failure(SubmitBlocked(message: "fix the folder first: \(dataset.issues.errors[0].message)"))
        }
        var parameters: TaskParameters
        switch form.attemptSubmit() {
        case .failure(let blocked): return .failure(blocked)
        case .success(let p): parameters = p
        }
        parameters["file_data"] = .file(dataset.folder.path)
        return .success(parameters)
    }

    // MARK: view

    /// `cost` (the training's estimate and the balance) is drawn at the right of the summary line.
    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, cost: String = "") {
        guard !area.isEmpty else { return }
        buffer.drawBox(area, style: theme.style(.borderFocused), title: "Fine-tune composer", titleStyle: theme.style(.title))
        let inner = area.inset(horizontal: 1, vertical: 1)
        let rows = inner.splitRows([.fixed(1), .fill(), .fixed(1)])
        buffer.write("Folder ", x: rows[0].x, y: rows[0].y, style: theme.style(.accent), clip: rows[0])
        path.render(into: &buffer, in: rows[0].droppingLeft(7), theme: theme, focused: focus == .path && caption == nil)
        let columns = rows[1].splitColumns([.fraction(0.5), .fill()], spacing: 1)
        let preview = previewPlacement(in: area)
        renderImages(into: &buffer, in: preview.map { columns[0].droppingBottom($0.frame.height) } ?? columns[0], theme: theme)
        var f = form
        f.submitFocused = form.submitFocused && focus == .fields
        buffer.drawBox(columns[1], style: theme.style(focus == .fields ? .borderFocused : .border), title: "Training settings",
                       titleStyle: theme.style(.title))
        var formArea = f.form
        formArea.setViewport(columns[1].inset(1).size)
        formArea.render(into: &buffer, in: columns[1].inset(1), theme: theme, focused: focus == .fields && caption == nil)
        // Summary line.
        let summary: String
        let role: ThemeRole
        if let completionHint {
            (summary, role) = ("matches: " + completionHint, .hint)
        } else if let dataset {
            let size = ByteCountFormatter.string(fromByteCount: Int64(dataset.uploadBytes), countStyle: .file)
            let errors = dataset.issues.errors.count + form.errorCount
            summary = "\(dataset.images.count) images, \(dataset.captionedCount) captioned · upload ≈ \(size) · "
                + (errors == 0 ? "ready: Ctrl-S submits" : "\(errors) problem\(errors == 1 ? "" : "s") to fix")
            role = errors == 0 ? .success : .error
        } else {
            (summary, role) = ("Type a folder path and press Enter · Tab moves between folder, images and settings", .hint)
        }
        buffer.writeLine(summary, in: rows[2], style: theme.style(role))
        if !cost.isEmpty, completionHint == nil, DisplayWidth.of(summary) + DisplayWidth.of(cost) + 2 <= rows[2].width {
            buffer.write(cost, x: rows[2].maxX - DisplayWidth.of(cost), y: rows[2].y, style: theme.style(.hint), clip: rows[2])
        }
        if let caption {
            let frame = area.centered(width: min(area.width - 4, 70), height: min(area.height - 2, 9))
            buffer.fill(frame, style: theme.style(.dialog))
            buffer.drawBox(frame, style: theme.style(.borderFocused), title: "Caption · \(caption.name)", titleStyle: theme.style(.title))
            let editorArea = frame.inset(horizontal: 2, vertical: 1).droppingBottom(1)
            caption.editor.render(into: &buffer, in: editorArea, theme: theme, focused: true)
            buffer.writeLine("Ctrl-S save to the .txt file (UTF-8) · Esc cancel", in: frame.inset(horizontal: 2, vertical: 1).bottom(1),
                             style: theme.style(.hint))
        }
    }

    /// The selected image's preview, under the image list while the list has focus.
    public func previewPlacement(in area: Rect) -> (path: String, frame: Rect, image: Rect)? {
        guard focus == .images, caption == nil, let image = selectedImage, image.info?.format != .webp, area.height >= 16 else { return nil }
        let inner = area.inset(horizontal: 1, vertical: 1)
        let content = inner.splitRows([.fixed(1), .fill(), .fixed(1)])[1]
        let column = content.splitColumns([.fraction(0.5), .fill()], spacing: 1)[0]
        let height = min(column.height / 2, column.width / 2 + 2)
        let frame = Rect(x: column.x, y: column.maxY - height, width: column.width, height: height)
        return (image.url.path, frame, frame.inset(1))
    }

    private func renderImages(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme) {
        let title = dataset.map { "Images (\($0.images.count))" } ?? "Images"
        buffer.drawBox(area, style: theme.style(focus == .images ? .borderFocused : .border), title: title, titleStyle: theme.style(.title))
        let inner = area.inset(1)
        guard let dataset else {
            buffer.writeLine("No folder scanned yet. samples/finetune is a small example.", in: inner.row(0), style: theme.style(.muted))
            return
        }
        let problems = dataset.issues
        let problemRows = min(problems.count, max(0, inner.height / 3))
        let listArea = inner.droppingBottom(problemRows)
        let range = images.visibleRange(height: listArea.height)
        for (line, i) in range.enumerated() {
            let image = dataset.images[i]
            let selected = i == images.selected && focus == .images
            let info = image.info.map { "\($0.format.rawValue.uppercased()) \($0.width)x\($0.height)" } ?? "?"
            let captionMark = image.captionURL != nil ? "✓ caption" : "✗ no caption"
            buffer.writeLine("\(image.name)  \(info)  \(captionMark)", in: listArea.row(line),
                             style: selected ? theme.style(.selection) : theme.style(image.captionURL == nil ? .muted : .text))
        }
        for (line, issue) in problems.prefix(problemRows).enumerated() {
            buffer.writeLine((issue.severity == .error ? "✗ " : "⚠ ") + issue.message,
                             in: Rect(x: inner.x, y: listArea.maxY + line, width: inner.width, height: 1),
                             style: theme.style(issue.severity == .error ? .error : .warning))
        }
    }
}
