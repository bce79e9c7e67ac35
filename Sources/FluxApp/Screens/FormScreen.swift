import FluxAPI
import Foundation
import TerminalKit

/// The parameter form for one endpoint, generated from the registry. Every change re-validates,
/// so hints appear as the user types; submission is blocked while an error stands.
public struct FormState: Sendable, Equatable {
    public let endpoint: Endpoint
    public var form: Form
    /// Focus is on the Submit button below the fields.
    public var submitFocused = false
    /// The task this form edits (`e` on a task): the new task records it as its parent.
    public var parentTaskID: String?
    /// Sniffed format and size of image fields, by field name.
    public private(set) var images: [String: ImageInfo] = [:]
    public private(set) var issues: [ValidationIssue] = []
    /// Completion candidates to show after an ambiguous Tab.
    public var completionHint: String?
    /// What is known about the files the fields name, by path (filled off the loop).
    public private(set) var fileFacts: [String: FileFacts] = [:]
    /// Files the form needs facts about and has none yet.
    public private(set) var pendingFileChecks: [FileCheck] = []
    /// Files already asked for (each is inspected once per form; submitting checks them again).
    private var requestedFiles: Set<String> = []

    /// Fields the form does not show (the composer supplies `file_data` from its folder).
    public let excluded: Set<String>
    /// Fine-tunes the account has, offered for `finetune_id` (Enter opens the list).
    public var knownFinetunes: [String] = []
    /// While ↑/↓ walk the prompt history: the position, and what was typed before the walk.
    public private(set) var historyWalk: HistoryWalk?
    /// Fields holding a list, range or @FILE (Ctrl-T), and the batch they plan (see `FormSweep`).
    public internal(set) var sweep = FormSweep()

    public struct HistoryWalk: Equatable, Sendable {
        public var index: Int
        public var draft: String
    }

    public init(endpoint: Endpoint, prefill: TaskParameters = TaskParameters(), excluding excluded: Set<String> = []) {
        self.endpoint = endpoint
        self.excluded = excluded
        let visible = endpoint.fields.filter { !excluded.contains($0.name) }
        let ordered = visible.filter { !$0.advanced } + visible.filter(\.advanced)
        form = Form(fields: ordered.map { Self.formField(for: $0, value: prefill[$0.name]) }, wrapsFocus: false)
        revalidate()
    }

    // MARK: building fields

    static func placeholder(for field: FieldSpec) -> String {
        if field.name == "seed" { return "random" }
        switch field.kind {
        case .image: return "image path (Tab completes) or https:// URL"
        case .archive: return "path to a .zip"
        case .secret: return "hidden"
        default: break
        }
        if let d = field.defaultValue { return "default \(defaultText(d))" }
        return field.required ? "required" : "optional"
    }

    /// A default as people read it: `""` for an empty string, numbers without a needless ".0".
    static func defaultText(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s.isEmpty ? "\"\"" : s
        case .double(let d): return FieldSpec.formatted(d)
        default: return value.serialized()
        }
    }

    static func options(for field: FieldSpec) -> [String] {
        let first: String
        if field.required { first = "(choose)" }
        else if let d = field.defaultValue { first = "default (\(defaultText(d)))" }
        else { first = "unset" }
        let values: [String]
        switch field.kind {
        case .boolean: values = ["true", "false"]
        case .choice(let v, _): values = v
        default: values = []
        }
        return [first] + values + (field.nullable ? ["null"] : [])
    }

    static func formField(for field: FieldSpec, value: FieldValue?) -> FormField {
        var hint = field.help
        if let c = field.constraintSummary { hint += "  [\(c)]" }
        let control: FormControl
        switch field.kind {
        case .boolean, .choice:
            let options = options(for: field)
            var picker = ChoicePicker(options: options)
            if let value {
                let text = value == .null ? "null" : value.displayText
                _ = picker.select(option: text)
            }
            control = .choice(picker)
        default:
            let text: String
            switch value {
            case .file(let path)?: text = path
            case .null?: text = "null"
            case .some(let v): text = v.displayText
            case nil: text = ""
            }
            var textField = TextField(text: text, placeholder: placeholder(for: field), isMasked: field.kind == .secret)
            if field.name == "prompt" { textField.maxLength = 10_000 }
            control = .text(textField)
        }
        return FormField(id: field.name, label: field.name, hint: hint, isRequired: field.required, control: control)
    }

    // MARK: reading values

    /// The typed parameters and the problems found reading them.
    public func parameters() -> (TaskParameters, [ValidationIssue]) {
        var parameters = TaskParameters()
        var issues: [ValidationIssue] = []
        for field in endpoint.fields where !excluded.contains(field.name) && sweep.originals[field.name] == nil {
            guard let value = form.value(of: field.name) else { continue }
            switch value {
            case .text(let text):
                if text.isEmpty { continue }
                switch ValueParser.parse(text, for: field) {
                case .success(let v): parameters[field.name] = v
                case .failure(let issue): issues.append(issue)
                }
            case .choice(let index, let option):
                guard index > 0, let option else { continue }
                if option == "null" { parameters[field.name] = .null; continue }
                switch ValueParser.parse(option, for: field) {
                case .success(let v): parameters[field.name] = v
                case .failure(let issue): issues.append(issue)
                }
            case .bool(let b):
                parameters[field.name] = .boolean(b)
            }
        }
        return (parameters, issues)
    }

    /// Re-checks everything and writes the results into the form's error and warning lines. Pure:
    /// files are known from `fileFacts` (inspected off the loop); a path not inspected yet is listed
    /// in `pendingFileChecks` for the app to ask for, and blocks submission until it is known.
    public mutating func revalidate() {
        let (parameters, parseIssues) = self.parameters()
        images = [:]
        pendingFileChecks = []
        var fileIssues: [ValidationIssue] = []
        var checking: Set<String> = []
        for field in endpoint.fields where field.kind.isFile && !excluded.contains(field.name) {
            switch parameters[field.name] {
            case .file(let path)?:
                guard let facts = fileFacts[path] else {
                    pendingFileChecks.append(FileCheck(path: path, kind: field.kind == .archive ? .archive : .image))
                    checking.insert(field.name)
                    continue
                }
                if let info = facts.image { images[field.name] = info }
                if let problem = facts.problem {
                    fileIssues.append(.error(field.name, problem, type: field.kind == .image ? "image_file" : "archive_file"))
                }
            case .base64(let text)? where field.kind == .image:
                // Pasted data is in memory already: checking it is not I/O.
                let (info, problem) = RequestPreparer.inspectBase64Image(text)
                if let info { images[field.name] = info }
                if let problem { fileIssues.append(.error(field.name, problem, type: "image_data")) }
            default:
                break
            }
        }
        let failed = Set(parseIssues.compactMap(\.field))
        // Always run: it also clears the plan when sweep mode has just been turned off.
        let swept = checkSweeps(base: parameters)
        // A sweep is checked through its first task (the swept fields' first values); every task
        // is validated again off the loop before anything is sent.
        var checked = parameters
        if let plan = sweep.plan { for axis in plan.axes { checked[axis.field] = axis.values.first } }
        let validation = Validator.validate(endpoint, checked, images: images)
            .filter { !($0.field.map(failed.contains) ?? false) && !($0.field.map(excluded.contains) ?? false) }
            .filter { sweep.plan != nil || !($0.field.map(sweep.fields.contains) ?? false) }
        let sweepIssues = swept.errors.sorted { $0.key < $1.key }.map { ValidationIssue.error($0.key, $0.value, type: "sweep") }
        issues = parseIssues + sweepIssues + validation + fileIssues
        var errors: [String: String] = [:]
        var warnings: [String: String] = [:]
        for issue in issues {
            guard let field = issue.field else { continue }
            if issue.severity == .error { errors[field] = errors[field] ?? issue.message }
            else { warnings[field] = warnings[field] ?? issue.message }
        }
        for field in checking where errors[field] == nil { warnings[field] = "checking the file…" }
        for (field, note) in swept.notes where errors[field] == nil && warnings[field] == nil { warnings[field] = note }
        // The sniffed format and size show as a note on image fields without a problem.
        for (field, info) in images where errors[field] == nil && warnings[field] == nil {
            warnings[field] = "✓ \(info.summary)"
        }
        form.setIssues(errors: errors, warnings: warnings)
    }

    /// Takes what was learned about a file (answer to `AppEffect.inspectFile`).
    public mutating func receive(_ facts: FileFacts, for path: String) {
        guard fileFacts[path] != facts || pendingFileChecks.contains(where: { $0.path == path }) else { return }
        fileFacts[path] = facts
        revalidate()
    }

    /// The file checks not asked for yet; marks them asked for.
    public mutating func takeFileRequests() -> [FileCheck] {
        let new = pendingFileChecks.filter { !requestedFiles.contains($0.path) }
        requestedFiles.formUnion(new.map(\.path))
        return new
    }

    public var errorCount: Int { issues.errors.count }

    // MARK: keys

    /// Sets a choice field to one of its options (from the choice list).
    public mutating func choose(_ index: Int, for id: String) {
        if id == "finetune_id", knownFinetunes.indices.contains(index) {
            setText(knownFinetunes[index], for: id)
            return
        }
        guard var field = form[id], case .choice(var picker) = field.control else { return }
        picker.select(index)
        field.control = .choice(picker)
        form[id] = field
        revalidate()
    }

    /// Gives a key to the focused control (text editing, a choice's ←/→/Space); false when the
    /// control does not take it, so the form's actions get it.
    public mutating func handleFocusedControl(_ key: KeyEvent) -> Bool {
        guard !submitFocused, var field = form.focusedField else { return false }
        completionHint = nil
        defer { if historyWalk != nil, key.character != nil || key == .backspace { historyWalk = nil } }
        var changed = false
        switch field.control {
        case .text(var text):
            guard let didChange = TextFocus.took(text.handle(key)) else { return false }
            field.control = .text(text)
            changed = didChange
        case .multiline(var area, let height):
            guard let didChange = TextFocus.took(area.handle(key)) else { return false }
            field.control = .multiline(area, height: height)
            changed = didChange
        case .choice(var picker):
            switch picker.handle(key) {
            case .ignored: return false
            case .handled: break
            case .changed: changed = true
            }
            field.control = .choice(picker)
        case .checkbox(var box):
            guard case .toggled = box.handle(key) else { return false }
            field.control = .checkbox(box)
            changed = true
        }
        form[field.id] = field
        if changed { revalidate() }
        return true
    }

    /// Whether the prompt field has the focus (↑/↓ and Ctrl-R then reach the prompt history).
    public var promptFocused: Bool { !submitFocused && form.focusedField?.id == "prompt" }

    /// ↑: one prompt older; ↓: one newer, and past the newest back to what was typed. Returns false
    /// when there is nowhere to go (↓ then moves to the next field).
    public mutating func walkHistory(_ history: [String], older: Bool) -> Bool {
        guard promptFocused else { return false }
        let current = form.value(of: "prompt")?.stringValue ?? ""
        let next: Int
        switch (historyWalk, older) {
        case (nil, true): next = 0
        case (nil, false): return false
        case (let walk?, true): next = walk.index + 1
        case (let walk?, false): next = walk.index - 1
        }
        if next < 0 {
            setText(historyWalk?.draft ?? "", for: "prompt")
            historyWalk = nil
            return true
        }
        guard history.indices.contains(next) else { return older }
        let draft = historyWalk?.draft ?? current
        setText(history[next], for: "prompt")
        historyWalk = HistoryWalk(index: next, draft: draft)
        return true
    }

    /// Moves focus by one field; past the last field (or before the first) focus goes to the
    /// Submit button, and from the button to the first (or last) field.
    public mutating func moveFocus(forward: Bool) {
        completionHint = nil
        historyWalk = nil
        if submitFocused {
            submitFocused = false
            if let field = forward ? form.fields.first : form.fields.last { form.focus(field.id) }
            return
        }
        if case .ignored = form.handle(forward ? .tab : .backTab) { submitFocused = true }
    }

    /// Whether Enter on the focused field submits (the last field, or the Submit button).
    public var enterSubmits: Bool { submitFocused || form.focusIndex == form.fields.count - 1 }

    /// The choice list Enter opens on the focused field: its options, or the known fine-tunes on
    /// `finetune_id`.
    public var focusedChoices: (field: String, options: [String], selected: Int)? {
        guard !submitFocused, let field = form.focusedField else { return nil }
        if case .choice(let picker) = field.control { return (field.id, picker.options, picker.selectedIndex) }
        if field.id == "finetune_id", !knownFinetunes.isEmpty {
            let current = form.value(of: field.id)?.stringValue ?? ""
            return (field.id, knownFinetunes, knownFinetunes.firstIndex(of: current) ?? 0)
        }
        return nil
    }

    /// Validates again; while a field has a problem, why submitting waits (focus moves to the first).
    mutating func blockedByProblems() -> SubmitBlocked? {
        revalidate()
        guard issues.hasErrors else { return nil }
        submitFocused = false
        _ = form.focusFirstError()
        let n = issues.errors.count
        return SubmitBlocked(message: "fix \(n) problem\(n == 1 ? "" : "s") first: \(issues.errors[0])")
    }

    /// Validates for submission: the parameters, or why not (focus moves to the first problem).
    public mutating func attemptSubmit() -> Result<TaskParameters, SubmitBlocked> {
        if let blocked = blockedByProblems() { return .failure(blocked) }
        if let waiting = pendingFileChecks.first {
            return .failure(SubmitBlocked(message: "still checking \(waiting.path); try again in a moment"))
        }
        return .success(parameters().0)
    }

    public mutating func setText(_ text: String, for id: String) {
        guard var field = form[id], case .text(var textField) = field.control else { return }
        textField.text = text
        field.control = .text(textField)
        form[id] = field
        revalidate()
    }

    /// The focused field's path, when Tab should complete it (a file field holding a local path).
    public var completablePath: (field: String, text: String)? {
        guard !submitFocused, let field = form.focusedField, let spec = endpoint.field(field.id), spec.kind.isFile,
              case .text(let textField) = field.control, !textField.text.isEmpty,
              !textField.text.lowercased().hasPrefix("http") else { return nil }
        return (field.id, textField.text)
    }

    /// Applies a path completion computed off the loop, if the field still holds what was completed.
    /// Returns false when there was nothing to complete (Tab then moves on, as it did before).
    public mutating func applyCompletion(field id: String, typed: String, result: PathCompletion.Result?) -> Bool {
        guard case .text(let current)? = form.value(of: id), current == typed else { return true }
        guard let result else { return false }
        if result.text != typed {
            setText(result.text, for: id)
            return true
        }
        if !result.candidates.isEmpty {
            completionHint = result.candidates.joined(separator: "  ")
            return true
        }
        return false
    }

    // MARK: view

    /// `cost` (the estimate and the balance) is drawn at the right of the status line;
    /// `forecast`: what a sweep will cost and take (see `BatchForecast`), shown above the button.
    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, hints: String = "", cost: String = "",
                       forecast: String? = nil) {
        guard !area.isEmpty else { return }
        let title = "\(endpoint.title) · POST \(endpoint.path)"
        buffer.drawBox(area, style: theme.style(.borderFocused), title: title, titleStyle: theme.style(.title))
        let inner = area.inset(horizontal: 1, vertical: 1)
        let rows = inner.splitRows([.fill(), .fixed(1), .fixed(1)])
        var f = form
        let fieldsArea = self.fieldsArea(in: area)
        f.setViewport(fieldsArea.size)
        f.render(into: &buffer, in: fieldsArea, theme: theme, focused: !submitFocused)
        // Status line: problems or completion candidates, and the cost at the right.
        let statusRow = rows[1]
        let (status, role): (String, ThemeRole)
        if let completionHint {
            (status, role) = ("matches: " + completionHint, .hint)
        } else if errorCount == 0, let problem = sweep.problem {
            (status, role) = ("✗ " + problem, .error)
        } else if errorCount == 0, !sweep.pendingFiles.isEmpty {
            (status, role) = ("… reading \(sweep.pendingFiles[0].spec)", .hint)
        } else if errorCount == 0, !pendingFileChecks.isEmpty {
            (status, role) = ("… checking \(pendingFileChecks.count == 1 ? "the file" : "the files")", .hint)
        } else if errorCount > 0 {
            (status, role) = ("✗ \(errorCount) problem\(errorCount == 1 ? "" : "s") to fix before submitting", .error)
        } else if let forecast, sweep.plan != nil {
            (status, role) = ("⇶ " + forecast, .success)
        } else {
            (status, role) = ("✓ ready to submit", .success)
        }
        buffer.writeLine(status, in: statusRow, style: theme.style(role))
        // A sweep's forecast carries the batch's credits; one task's cost beside it would mislead.
        if !cost.isEmpty, completionHint == nil, forecast == nil || sweep.plan == nil {
            // Where both do not fit, the balance goes first (the status bar shows it too), then the cost.
            let room = statusRow.width - DisplayWidth.of(status) - 2
            let shown = [cost, cost.components(separatedBy: " · ").first ?? ""].first { !$0.isEmpty && DisplayWidth.of($0) <= room }
            if let shown {
                buffer.write(shown, x: statusRow.maxX - DisplayWidth.of(shown), y: statusRow.y, style: theme.style(.hint), clip: statusRow)
            }
        }
        // The Submit button and key reminders.
        let buttonRow = rows[2]
        let label = Self.submitLabel
        let style = submitFocused ? theme.style(.buttonFocused) : theme.style(.button)
        buffer.writeLine("", in: buttonRow, style: theme.style(.text))
        buffer.write(label, x: buttonRow.x, y: buttonRow.y, style: style, clip: buttonRow)
        buffer.write("  " + hints, x: buttonRow.x + label.count, y: buttonRow.y, style: theme.style(.hint), clip: buttonRow)
    }

    static let submitLabel = "[ Submit ]"

    /// Where the fields go when the form is drawn in `area` (beside the preview, if any).
    func fieldsArea(in area: Rect) -> Rect {
        let rows = area.inset(horizontal: 1, vertical: 1).splitRows([.fill(), .fixed(1), .fixed(1)])
        return previewPlacement(in: area).map { rows[0].droppingRight($0.frame.width + 1) } ?? rows[0]
    }

    /// The focused image field's file, when it is a readable image: previewed beside the fields.
    public var previewPath: String? {
        guard !submitFocused, let field = form.focusedField, endpoint.field(field.id)?.kind == .image,
              images[field.id] != nil, case .text(let path)? = form.value(of: field.id) else { return nil }
        return ValueParser.expandPath(path.hasPrefix("@") ? String(path.dropFirst()) : path)
    }

    /// Where the preview box goes in a form drawn in `area` (nil: no preview, or no room).
    public func previewPlacement(in area: Rect) -> (path: String, frame: Rect, image: Rect)? {
        guard let path = previewPath, area.width >= 90, area.height >= 10 else { return nil }
        let inner = area.inset(horizontal: 1, vertical: 1)
        let width = min(48, inner.width / 3)
        let frame = Rect(x: inner.maxX - width, y: inner.y, width: width, height: min(inner.height - 2, width / 2 + 2))
        return (path, frame, frame.inset(1))
    }

    /// The exact body that will be sent, base64 shortened (for a sweep, its first task's).
    public var previewLines: [String] {
        let first = sweep.plan.map { plan in
            plan.axes.reduce(plan.base) { parameters, axis in
                var parameters = parameters
                parameters[axis.field] = axis.values.first
                return parameters
            }
        }
        return RequestEncoder.preview(endpoint, first ?? parameters().0).components(separatedBy: "\n")
    }
}

/// Why a form cannot be submitted yet.
public struct SubmitBlocked: Error, Equatable, Sendable {
    public let message: String
}

extension Form {
    /// True when the form's focus is on a text control (printable keys belong to it).
    var focusIsText: Bool {
        guard let field = focusedField else { return false }
        switch field.control {
        case .text, .multiline: return true
        default: return false
        }
    }
}
