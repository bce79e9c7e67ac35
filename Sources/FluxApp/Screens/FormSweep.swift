import FluxAPI
import Foundation
import TerminalKit

/// One swept field as typed in the form: `seed` with `1..8`, `guidance` with `2,3.5,5`,
/// `prompt` with `@prompts.txt`. The same syntax as `flux-tui submit --sweep FIELD=SPEC`.
public struct SweepSpec: Sendable, Equatable, Hashable {
    public var field: String
    public var spec: String

    public init(field: String, spec: String) {
        self.field = field
        self.spec = spec
    }

    /// `FIELD=SPEC`, what `SweepAxis.parse` reads.
    public var assignment: String { "\(field)=\(spec)" }
    /// `@FILE` specs are read off the loop (the file may be large, or on a slow disk).
    public var readsFile: Bool { spec.trimmingCharacters(in: .whitespaces).hasPrefix("@") }
}

/// A form's sweep mode: which fields hold a list, range or @FILE instead of one value, what each
/// turned out to be, and the plan they make together. Fields in sweep mode become text fields
/// (a choice field's list comes back when sweep mode is turned off).
public struct FormSweep: Sendable, Equatable {
    /// The swept fields' controls before sweep mode, by field, to restore them.
    var originals: [String: FormField] = [:]
    /// Parsed `@FILE` axes (answers to `AppEffect.readSweepFile`), by `FIELD=SPEC`.
    var fileAxes: [String: Result<SweepAxis, SweepError>] = [:]
    /// Lists and ranges parsed for the specs as they are now, by `FIELD=SPEC`: every change to any
    /// field revalidates, and `seed=1..10000` should not be parsed again for each key.
    var parsed: [String: Result<SweepAxis, SweepError>] = [:]
    /// `@FILE` specs the form needs and has not been answered about.
    public private(set) var pendingFiles: [SweepSpec] = []
    private var requested: Set<SweepSpec> = []
    /// The plan the swept fields make with the other fields, when every spec is good.
    public internal(set) var plan: SweepPlan?
    /// Why there is no plan, when the problem is not one field's (the whole is too large).
    public internal(set) var problem: String?

    public init() {}

    public var fields: Set<String> { Set(originals.keys) }
    public var isActive: Bool { !originals.isEmpty }

    mutating func setPending(_ specs: [SweepSpec]) { pendingFiles = specs }

    /// The file reads not asked for yet; marks them asked for.
    mutating func takeRequests() -> [SweepSpec] {
        let new = pendingFiles.filter { !requested.contains($0) }
        requested.formUnion(new)
        return new
    }

    static let placeholder = "list a,b,c · range 1..8 or 1..8:2 · @file (a value a line)"
    static let labelMark = " ⇶"
}

extension FormState {
    /// Why the focused field cannot be swept, or nil when it can (or is swept already).
    public var sweepRefusal: String? {
        guard !submitFocused, let field = form.focusedField else { return "focus a field first" }
        guard let spec = endpoint.field(field.id) else { return "\(field.id) is not a field of \(endpoint.id)" }
        if SweepAxis.isSweepable(spec) { return nil }
        return "\(spec.name) cannot be swept: it is the same for every task of a batch"
    }

    /// Turns sweep mode on or off for the focused field. On: the field becomes a text field for a
    /// list, range or @FILE (its current value kept as the first value to edit). Off: the field
    /// gets its control back, holding the list's first value if it was a plain value.
    public mutating func toggleSweep() {
        guard sweepRefusal == nil, let field = form.focusedField else { return }
        if let original = sweep.originals[field.id] {
            var restored = original
            if case .text(var text) = restored.control, case .text(let typed) = field.control {
                let first = typed.text.split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
                text.text = first.contains("..") || first.hasPrefix("@") ? "" : first
                restored.control = .text(text)
            }
            sweep.originals[field.id] = nil
            form[field.id] = restored
        } else {
            sweep.originals[field.id] = field
            let current: String
            switch field.value {
            case .text(let text): current = text
            case .choice(let index, let option): current = index > 0 ? option ?? "" : ""
            case .bool(let b): current = String(b)
            }
            var swept = field
            swept.label = field.label + FormSweep.labelMark
            swept.hint = "Sweep: " + FormSweep.placeholder + " (Ctrl-T: one value again)"
            swept.control = .text(TextField(text: current, placeholder: FormSweep.placeholder))
            form[field.id] = swept
        }
        revalidate()
    }

    /// The swept fields as typed, in the form's order (the first varies slowest).
    public var sweepSpecs: [SweepSpec] {
        form.fields.filter { sweep.originals[$0.id] != nil }.map { field in
            SweepSpec(field: field.id, spec: form.value(of: field.id)?.stringValue ?? "")
        }
    }

    /// Checks the swept fields and plans the batch: errors go on the field that caused them; a
    /// plan-wide problem (too many tasks) on `sweep.problem`. Pure: `@FILE` specs wait for
    /// `receiveSweepFile`. Returns the errors and notes by field, for `revalidate`.
    mutating func checkSweeps(base: TaskParameters) -> (errors: [String: String], notes: [String: String]) {
        var errors: [String: String] = [:]
        var notes: [String: String] = [:]
        var axes: [SweepAxis] = []
        var pending: [SweepSpec] = []
        var parsed: [String: Result<SweepAxis, SweepError>] = [:]
        defer { sweep.parsed = parsed }
        sweep.plan = nil
        sweep.problem = nil
        for spec in sweepSpecs {
            if spec.spec.trimmingCharacters(in: .whitespaces).isEmpty {
                errors[spec.field] = "give the values to sweep: a,b,c or 1..8 or @file (Ctrl-T for one value)"
                continue
            }
            let result: Result<SweepAxis, SweepError>
            if spec.readsFile {
                guard let known = sweep.fileAxes[spec.assignment] else {
                    pending.append(spec)
                    notes[spec.field] = "reading the file…"
                    continue
                }
                result = known
            } else {
                result = sweep.parsed[spec.assignment] ?? SweepAxis.parse(spec.assignment, for: endpoint)
                parsed[spec.assignment] = result
            }
            switch result {
            case .success(let axis):
                axes.append(axis)
                notes[spec.field] = "⇶ \(axis.values.count) value\(axis.values.count == 1 ? "" : "s")"
            case .failure(let error): errors[spec.field] = error.reason
            }
        }
        sweep.setPending(pending)
        guard errors.isEmpty, pending.isEmpty, sweep.isActive else { return (errors, notes) }
        do {
            sweep.plan = try SweepPlan(endpoint: endpoint, base: base, axes: axes)
        } catch {
            if let field = error.field { errors[field] = error.reason } else { sweep.problem = error.reason }
        }
        return (errors, notes)
    }

    /// Takes a parsed `@FILE` spec (answer to `AppEffect.readSweepFile`).
    public mutating func receiveSweepFile(_ spec: SweepSpec, _ result: Result<SweepAxis, SweepError>) {
        sweep.fileAxes[spec.assignment] = result
        revalidate()
    }

    /// The `@FILE` reads not asked for yet (the runner reads them off the loop).
    public mutating func takeSweepFileRequests() -> [SweepSpec] { sweep.takeRequests() }

    /// Validates a sweep for submission: what to send, or why not.
    public mutating func attemptBatch() -> Result<BatchSubmission, SubmitBlocked> {
        if let blocked = blockedByProblems() { return .failure(blocked) }
        if let problem = sweep.problem { return .failure(SubmitBlocked(message: problem)) }
        if let waiting = sweep.pendingFiles.first { return .failure(SubmitBlocked(message: "still reading \(waiting.spec); try again in a moment")) }
        if let waiting = pendingFileChecks.first {
            return .failure(SubmitBlocked(message: "still checking \(waiting.path); try again in a moment"))
        }
        guard let plan = sweep.plan else { return .failure(SubmitBlocked(message: "nothing to sweep")) }
        return .success(BatchSubmission(sweep: plan, specs: sweepSpecs))
    }
}
