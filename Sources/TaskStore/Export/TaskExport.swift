import FluxAPI
import Foundation

/// The formats `flux-tui export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    case jsonl, csv, md

    public var fileExtension: String { rawValue }

    public var title: String {
        switch self {
        case .jsonl: return "JSON Lines"
        case .csv: return "CSV"
        case .md: return "Markdown"
        }
    }
}

/// Which tasks to export.
public struct ExportFilter: Sendable, Equatable {
    public var since: Date?
    public var endpoint: String?
    /// A batch id or a unique prefix of one, already resolved to the id.
    public var batchID: String?

    public init(since: Date? = nil, endpoint: String? = nil, batchID: String? = nil) {
        self.since = since
        self.endpoint = endpoint
        self.batchID = batchID
    }

    public func includes(_ task: TaskEntry) -> Bool {
        if let since, task.createdAt < since { return false }
        if let endpoint, task.endpoint != endpoint { return false }
        if let batchID, task.batchID != batchID { return false }
        return true
    }
}

/// Tasks as JSON Lines, CSV or a Markdown table: every task with its parameters, seed, status,
/// timings, cost and output paths. Pure: the command line and the app's palette write the text.
public enum TaskExport {
    /// The columns of CSV and Markdown, in order (parameters are one JSON column there).
    public static let columns = ["id", "remote_id", "endpoint", "status", "prompt", "seed", "cost", "created", "submitted",
                                 "finished", "seconds", "batch", "parent", "outputs", "error", "parameters"]

    /// `folder`: where the file goes; Markdown links images relative to it.
    public static func render(_ tasks: [TaskEntry], as format: ExportFormat, folder: URL? = nil) -> String {
        switch format {
        case .jsonl: return tasks.map { json($0).serialized() + "\n" }.joined()
        case .csv: return csv(tasks)
        case .md: return markdown(tasks, folder: folder)
        }
    }

    // MARK: one task

    static func status(_ task: TaskEntry) -> String { task.statusText ?? task.phase.rawValue }

    static func seconds(_ task: TaskEntry) -> Double? {
        guard let finished = task.finishedAt else { return nil }
        return (finished.timeIntervalSince(task.submittedAt ?? task.createdAt) * 10).rounded() / 10
    }

    static func parameters(_ task: TaskEntry) -> JSONValue {
        .object(TaskEntry.storable(task.parameters, endpoint: task.endpoint).values.mapValues(\.recordJSON))
    }

    static func time(_ date: Date?) -> String { date.map(ISO8601Timestamp.string(from:)) ?? "" }

    public static func json(_ task: TaskEntry) -> JSONValue {
        func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func number(_ d: Double?) -> JSONValue { d.map(JSONValue.double) ?? .null }
        func integer(_ i: Int?) -> JSONValue { i.map(JSONValue.int) ?? .null }
        var object: [String: JSONValue] = [:]
        object["id"] = .string(task.id)
        object["remote_id"] = optional(task.remoteID)
        object["endpoint"] = .string(task.endpoint)
        object["status"] = .string(status(task))
        object["phase"] = .string(task.phase.rawValue)
        object["seed"] = integer(task.seed)
        object["cost"] = number(task.cost)
        object["created"] = .string(time(task.createdAt))
        object["submitted"] = optional(task.submittedAt.map(ISO8601Timestamp.string(from:)))
        object["finished"] = optional(task.finishedAt.map(ISO8601Timestamp.string(from:)))
        object["seconds"] = number(seconds(task))
        object["batch"] = optional(task.batchID)
        object["batch_index"] = integer(task.batchIndex)
        object["parent"] = optional(task.parentID)
        object["outputs"] = .array(task.outputs.map(JSONValue.string))
        object["error"] = optional(task.error)
        object["parameters"] = parameters(task)
        return .object(object)
    }

    /// The text cells of one task, in `columns` order.
    static func cells(_ task: TaskEntry) -> [String] {
        [task.id, task.remoteID ?? "", task.endpoint, status(task), task.prompt ?? "", task.seed.map(String.init) ?? "",
         task.cost.map(FieldSpec.formatted) ?? "", time(task.createdAt), time(task.submittedAt), time(task.finishedAt),
         seconds(task).map(FieldSpec.formatted) ?? "", task.batchID ?? "", task.parentID ?? "",
         task.outputs.joined(separator: " "), task.error ?? "", parameters(task).serialized()]
    }

    // MARK: CSV

    /// RFC 4180: comma separated, CRLF line ends, a field with a comma, quote or line end quoted
    /// and its quotes doubled.
    static func csv(_ tasks: [TaskEntry]) -> String {
        ([columns] + tasks.map(cells)).map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: Markdown

    static let markdownColumns = ["image", "status", "endpoint", "prompt", "seed", "cost", "created", "seconds", "id", "parameters"]

    /// A table with each task's first image linked relative to `folder` (a notebook or wiki beside
    /// the images shows them); pipes escaped, line ends as `<br>`.
    static func markdown(_ tasks: [TaskEntry], folder: URL?) -> String {
        var lines = ["| " + markdownColumns.joined(separator: " | ") + " |",
                     "|" + String(repeating: " --- |", count: markdownColumns.count)]
        for task in tasks {
            let image = task.outputs.first { !$0.hasSuffix(".json") }.map { path -> String in
                let link = relativePath(path, from: folder)
                return "![\(markdownCell(TaskFormatName.fileName(path)))](\(markdownLink(link)))"
            } ?? ""
            let cells = [image, status(task), task.endpoint, task.prompt ?? "", task.seed.map(String.init) ?? "",
                         task.cost.map(FieldSpec.formatted) ?? "", time(task.createdAt), seconds(task).map(FieldSpec.formatted) ?? "",
                         task.remoteID ?? task.id, parameters(task).serialized()]
            lines.append("| " + cells.enumerated().map { $0.offset == 0 ? $0.element : markdownCell($0.element) }
                .joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: "<br>").replacingOccurrences(of: "\n", with: "<br>")
    }

    /// A link target: spaces and parentheses percent-encoded so the Markdown stays one link.
    static func markdownLink(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: " ", with: "%20")
            .replacingOccurrences(of: "(", with: "%28").replacingOccurrences(of: ")", with: "%29")
            .replacingOccurrences(of: "|", with: "%7C")
    }

    /// `path` relative to `folder` ("outputs/a.png", "../pics/a.png"); absolute when there is no
    /// folder or nothing in common but the root.
    public static func relativePath(_ path: String, from folder: URL?) -> String {
        guard let folder else { return path }
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let base = folder.standardizedFileURL.pathComponents
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        guard common > 1 else { return path }
        return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
    }
}

/// File names without building URLs (TaskFormat lives in FluxApp).
enum TaskFormatName {
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
