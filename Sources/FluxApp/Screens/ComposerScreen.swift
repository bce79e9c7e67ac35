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

    public enum Outcome: Equatable, Sendable {
        case handled
        case ignored
        case scan(String)
        case saveCaption(folder: String, image: String, text: String)
        case submit(TaskParameters)
        case blocked(String)
        case back
        case openChoices(field: String, options: [String], selected: Int)
    }

    public mutating func handle(_ key: KeyEvent) -> Outcome {
        completionHint = nil
        if var editing = caption {
            switch key {
            case .ctrl("s"):
                caption = nil
                guard dataset != nil else { return .handled }
                return .saveCaption(folder: folderPath, image: editing.name, text: editing.editor.text)
            case .escape:
                caption = nil
                return .handled
            default:
                _ = editing.editor.handle(key)
                caption = editing
                return .handled
            }
        }
        switch focus {
        case .path:
            switch key {
            case .enter:
                guard !folderPath.isEmpty else { return .blocked("type the path of a folder of images") }
                return .scan(folderPath)
            case .tab:
                if let result = PathCompletion.complete(path.text), result.text != path.text || !result.candidates.isEmpty {
                    if result.text != path.text { path.text = result.text } else { completionHint = result.candidates.joined(separator: "  ") }
                    return .handled
                }
                focus = dataset == nil ? .fields : .images
                return .handled
            case .backTab:
                focus = .fields
                return .handled
            case .escape:
                return .back
            default:
                return path.handle(key) == .ignored ? .ignored : .handled
            }
        case .images:
            if images.handleNavigation(key) { return .handled }
            switch key {
            case .enter, .char("c"):
                guard let image = selectedImage else { return .handled }
                var editor = TextArea(text: image.caption ?? "")
                editor.placeholder = "caption for \(image.name) (Ctrl-S saves, Esc cancels)"
                caption = (image.name, editor)
                return .handled
            case .tab: focus = .fields; return .handled
            case .backTab: focus = .path; return .handled
            case .escape: return .back
            case .ctrl("s"): return attemptSubmit()
            default: return .ignored
            }
        case .fields:
            let outcome = form.handle(key, lastSeed: nil)
            switch outcome {
            case .submit: return attemptSubmit()
            case .blocked(let why): return .blocked(why)
            case .back: return .back
            case .openChoices(let field, let options, let selected): return .openChoices(field: field, options: options, selected: selected)
            case .preview, .handled: return .handled
            case .ignored:
                if key == .tab || key == .backTab {
                    form.submitFocused = false
                    focus = key == .tab ? .path : (dataset == nil ? .path : .images)
                    return .handled
                }
                return .ignored
            }
        }
    }

    mutating func attemptSubmit() -> Outcome {
        guard let dataset else { return .blocked("scan a folder first: type its path and press Enter") }
        if dataset.issues.hasErrors {
            return .blocked("fix the folder first: \(dataset.issues.errors[0].message)")
        }
        if case .blocked(let why) = form.attemptSubmit() { return .blocked(why) }
        var parameters = form.parameters().0
        parameters["file_data"] = .file(dataset.folder.path)
        return .submit(parameters)
    }

    // MARK: view

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme) {
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
