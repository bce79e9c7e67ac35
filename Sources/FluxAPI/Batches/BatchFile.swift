import Foundation

/// A batch file (`flux-tui batch FILE.jsonl`): one task a line,
/// `{"endpoint": "flux-dev", "params": {"prompt": "a fox", "seed": 3, "image": "@fox.png"}}`.
///
/// Every line is read and checked as the submit command checks one task (the endpoint's fields,
/// the registry's rules, image files that exist and are images) before anything is sent, and
/// every problem is kept with its line number: a file with one bad line in a thousand is fixed
/// in one go, not one error at a time.
public enum BatchFile {
    /// A problem with one line (or, with `line == nil`, with the file as a whole).
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let line: Int?
        public let message: String

        public init(line: Int?, _ message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// Why a file cannot be run: every problem found, in line order.
    public struct Invalid: Error, Sendable, Equatable {
        public let problems: [Problem]
    }

    /// One valid line: the request ready to send, and its line number.
    public struct Entry: Sendable {
        public let line: Int
        public let request: PreparedRequest
    }

    /// Reads and checks the whole file. Relative `@path`s are read from `directory` (the file's
    /// folder; the working directory for standard input). Blank lines are skipped.
    public static func parse(_ data: Data, directory: URL) throws(Invalid) -> [Entry] {
        guard let text = String(data: data, encoding: .utf8) else { throw Invalid(problems: [Problem(line: nil, "the file is not UTF-8 text")]) }
        var entries: [Entry] = []
        var problems: [Problem] = []
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let (request, messages) = parseLine(trimmed, directory: directory)
            if let request { entries.append(Entry(line: number, request: request)) }
            problems += messages.map { Problem(line: number, $0) }
        }
        if entries.isEmpty && problems.isEmpty { problems.append(Problem(line: nil, "the file has no tasks (one JSON object a line)")) }
        let count = entries.count + Set(problems.compactMap(\.line)).count
        if count > SweepPlan.maximumTasks {
            problems.append(Problem(line: nil, "\(count) tasks is more than the \(SweepPlan.maximumTasks) tasks a batch may have"))
        }
        guard problems.isEmpty else { throw Invalid(problems: problems) }
        return entries
    }

    /// One line: its messages (field names included) when it cannot be sent.
    static func parseLine(_ text: String, directory: URL) -> (PreparedRequest?, [String]) {
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch {
            return (nil, ["\(error)"])
        }
        guard let object = json.objectValue else {
            return (nil, ["expected an object {\"endpoint\": ..., \"params\": {...}}, got \(json.typeDescription)"])
        }
        var messages = object.keys.filter { $0 != "endpoint" && $0 != "params" }.sorted()
            .map { "unknown key '\($0)'; a line has \"endpoint\" and \"params\"" }
        guard let name = object["endpoint"]?.stringValue else {
            return (nil, messages + ["\"endpoint\" is missing or not a string"])
        }
        guard let endpoint = EndpointRegistry.endpoint(named: name) else {
            return (nil, messages + ["unknown endpoint '\(name)' (`flux-tui endpoints` lists them)"])
        }
        let params: [String: JSONValue]
        switch object["params"] {
        case nil: params = [:]
        case .object(let members)?: params = members
        case let other?: return (nil, messages + ["\"params\" must be an object, got \(other.typeDescription)"])
        }
        var parameters = TaskParameters()
        for (field, value) in params.sorted(by: { $0.key < $1.key }) {
            switch self.value(value, field: field, endpoint: endpoint, directory: directory) {
            case .success(let v): parameters[field] = v
            case .failure(let issue): messages.append(Self.text(issue))
            }
        }
        guard messages.isEmpty else { return (nil, messages) }
        switch RequestPreparer.prepare(endpoint, parameters) {
        case .success(let request): return (request, [])
        case .failure(.invalidInput(let issues)): return (nil, issues.errors.map(Self.text))
        case .failure(let error): return (nil, ["\(error)"])
        }
    }

    /// "width: must be a multiple of 32", as `--set` problems read.
    static func text(_ issue: ValidationIssue) -> String {
        issue.field.map { "\($0): \(issue.message)" } ?? issue.message
    }

    /// A JSON value typed by its field. Image and archive fields take a path (`@` optional,
    /// relative to `directory`) or an http(s) URL, as `--set` does; other fields take JSON of
    /// their type (a seed is `3`, not `"3"`). A field the endpoint does not have is kept for the
    /// validator, which names it and suggests the closest.
    static func value(_ json: JSONValue, field name: String, endpoint: Endpoint, directory: URL) -> Result<FieldValue, ValidationIssue> {
        guard let field = endpoint.field(name) else { return .success(json.stringValue.map(FieldValue.text) ?? .text(json.serialized())) }
        switch field.kind {
        case .image, .archive:
            guard let text = json.stringValue else {
                if json == .null { return ValueParser.fromJSON(json, for: field) }
                return .failure(.error(name, "expects a path (\"@photo.png\") or an http(s) URL, got \(json.typeDescription)"))
            }
            switch ValueParser.parse(text, for: field) {
            case .success(.file(let path)) where !path.hasPrefix("/"):
                return .success(.file(directory.appendingPathComponent(path).standardizedFileURL.path))
            case let other:
                return other
            }
        default:
            return ValueParser.fromJSON(json, for: field)
        }
    }

    /// The fields whose values differ between the requests, in name order: what tells a batch
    /// file's tasks apart in labels and on a contact sheet.
    public static func variedFields(_ requests: [PreparedRequest]) -> [String] {
        guard let first = requests.first else { return [] }
        let names = Set(requests.flatMap { $0.parameters.values.keys })
        return names.sorted().filter { name in requests.contains { $0.parameters[name] != first.parameters[name] } }
    }
}
