import Foundation

/// One swept field and the values it takes, in order: `seed=1..8`, `guidance=2..5:0.5`,
/// `guidance=2,3.5,5`, `prompt=@prompts.txt` (one value a line of the file).
///
/// `@FILE` always means "the lines of FILE" here, also for image fields (a file listing image
/// paths): a single image belongs in `--set`, not in a sweep.
public struct SweepAxis: Sendable, Equatable {
    public let field: String
    public let values: [FieldValue]

    public init(field: String, values: [FieldValue]) {
        self.field = field
        self.values = values
    }

    /// Fields a sweep may not vary: credentials and delivery settings are the same for every
    /// task of a batch, and a list of them is a mistake rather than a plan.
    public static func isSweepable(_ field: FieldSpec) -> Bool {
        field.kind != .secret && !field.name.lowercased().contains("webhook")
    }

    /// Reads `FIELD=SPEC` for `endpoint`. Relative `@FILE` paths are read from `directory`.
    public static func parse(_ assignment: String, for endpoint: Endpoint,
                             directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        -> Result<SweepAxis, SweepError> {
        guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
            return .failure(SweepError(nil, "'--sweep \(ValueParser.clip(assignment))' is not FIELD=LIST, FIELD=FROM..TO or FIELD=@FILE"))
        }
        let name = assignment[..<eq].trimmingCharacters(in: .whitespaces)
        let spec = String(assignment[assignment.index(after: eq)...])
        guard let field = endpoint.field(name) else {
            return .failure(SweepError(name, "\(endpoint.id) has no field \(name)"))
        }
        guard isSweepable(field) else {
            return .failure(SweepError(name, "cannot be swept: it is the same for every task of a batch (set it with --set)"))
        }
        let texts: [String]
        switch rawValues(spec, field: field, directory: directory) {
        case .success(let t): texts = t
        case .failure(let error): return .failure(error)
        }
        var values: [FieldValue] = []
        values.reserveCapacity(texts.count)
        for (index, text) in texts.enumerated() {
            switch ValueParser.parse(text, for: field) {
            case .success(let value): values.append(value)
            case .failure(let issue):
                let position = texts.count > 1 ? " (value \(index + 1))" : ""
                return .failure(SweepError(name, "\(issue.message)\(position)"))
            }
        }
        return .success(SweepAxis(field: name, values: values))
    }

    /// The most values a range may produce before it is refused, so a typo such as
    /// `seed=1..100000000` fails at once instead of allocating millions of values.
    static let rangeLimit = SweepPlan.maximumTasks

    private static func rawValues(_ spec: String, field: FieldSpec, directory: URL) -> Result<[String], SweepError> {
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("@") { return lines(ofFile: String(trimmed.dropFirst()), field: field.name, directory: directory) }
        if let range = trimmed.range(of: "..") {
            return rangeValues(from: String(trimmed[..<range.lowerBound]), rest: String(trimmed[range.upperBound...]), field: field)
        }
        let items = spec.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        let values = field.kind == .text ? items : items.map { $0.trimmingCharacters(in: .whitespaces) }
        if values.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            return .failure(SweepError(field.name, "'\(ValueParser.clip(spec))' has an empty value; separate values with single commas"))
        }
        return .success(values)
    }

    private static func rangeValues(from lowerText: String, rest: String, field: FieldSpec) -> Result<[String], SweepError> {
        let parts = rest.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let upperText = parts.first ?? ""
        let shown = "\(lowerText)..\(rest)"
        guard field.kind == .integer || field.kind == .number else {
            return .failure(SweepError(field.name, "a range needs a number field; give a list (a,b,c) or @FILE instead of '\(ValueParser.clip(shown))'"))
        }
        guard let lower = Double(lowerText.trimmingCharacters(in: .whitespaces)), let upper = Double(upperText),
              lower.isFinite, upper.isFinite else {
            return .failure(SweepError(field.name, "'\(ValueParser.clip(shown))' is not FROM..TO or FROM..TO:STEP with numbers"))
        }
        let step: Double
        if parts.count == 2 {
            guard let s = Double(parts[1]), s.isFinite, s > 0 else {
                return .failure(SweepError(field.name, "the step in '\(ValueParser.clip(shown))' must be a number above 0"))
            }
            step = s
        } else {
            step = 1
        }
        guard lower <= upper else {
            return .failure(SweepError(field.name, "the range \(FieldSpec.format(lower))..\(FieldSpec.format(upper)) is reversed; ranges go up: \(FieldSpec.format(upper))..\(FieldSpec.format(lower))"))
        }
        if field.kind == .integer && (lower.rounded() != lower || step.rounded() != step) {
            return .failure(SweepError(field.name, "takes whole numbers; '\(ValueParser.clip(shown))' is not a range of them"))
        }
        let count = Int(((upper - lower) / step + 1e-9).rounded(.down)) + 1
        guard count <= rangeLimit else {
            return .failure(SweepError(field.name, "the range \(ValueParser.clip(shown)) has \(count) values, more than the \(SweepPlan.maximumTasks) tasks a batch may have"))
        }
        // Values are computed from the index, not by adding the step: 0.1 added ten times is not 1.
        return .success((0..<count).map { i in
            let value = lower + Double(i) * step
            return field.kind == .integer ? String(Int(value)) : FieldSpec.format((value * 1e9).rounded() / 1e9)
        })
    }

    private static func lines(ofFile path: String, field: String, directory: URL) -> Result<[String], SweepError> {
        guard !path.isEmpty else { return .failure(SweepError(field, "'@' needs a file name: @prompts.txt")) }
        let expanded = ValueParser.expandPath(path)
        let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : directory.appendingPathComponent(expanded)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            return .failure(SweepError(field, exists ? "cannot read \(url.path)" : "the file \(url.path) does not exist"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(SweepError(field, "\(url.path) is not UTF-8 text"))
        }
        // One value a line; blank lines (and a file's last newline) are not values.
        let values = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !values.isEmpty else { return .failure(SweepError(field, "\(url.path) has no values (one a line)")) }
        return .success(values)
    }
}
