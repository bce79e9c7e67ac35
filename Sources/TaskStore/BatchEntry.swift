import FluxAPI
import Foundation

/// Tasks made together (a sweep, a batch file, `--repeat`), shown and rerun as one. Each task
/// of the batch has the batch's id and its place in it (`TaskEntry.batchIndex`); the fields
/// that vary from task to task label them (a contact sheet's rows and columns).
public struct BatchEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    /// The endpoint of every task, or nil when a batch file mixes endpoints.
    public var endpoint: String?
    /// For lists: "flux-dev: 8 seed x 3 guidance", "prompts.jsonl".
    public var title: String
    /// The fields whose values tell the batch's tasks apart, in sweep order.
    public var variedFields: [String]
    public var taskCount: Int
    public var createdAt: Date
    public var hidden: Bool

    public init(id: String = UUID().uuidString.lowercased(), endpoint: String?, title: String, variedFields: [String],
                taskCount: Int, createdAt: Date = Date(), hidden: Bool = false) {
        self.id = id
        self.endpoint = endpoint
        self.title = title
        self.variedFields = variedFields
        self.taskCount = taskCount
        self.createdAt = createdAt
        self.hidden = hidden
    }

    /// How one of the batch's tasks differs from the others: its values of the varied fields
    /// ("seed 3 · guidance 2.5"), or its place in the batch when nothing is swept ("#4").
    public func label(of task: TaskEntry) -> String {
        let parts = variedFields.compactMap { field -> String? in
            let value = field == "seed" ? (task.seed.map { FieldValue.integer($0) } ?? task.parameters[field]) : task.parameters[field]
            return value.map { "\(field) \(Self.short($0.displayText))" }
        }
        if !parts.isEmpty { return parts.joined(separator: " · ") }
        return task.batchIndex.map { "#\($0 + 1)" } ?? ""
    }

    /// A value short enough for a label: long prompts keep their start, paths their file name.
    static func short(_ text: String) -> String {
        let name = text.hasPrefix("/") ? (text as NSString).lastPathComponent : text
        return name.count > 24 ? name.prefix(23) + "…" : name
    }
}

/// Where a task comes from, recorded with it: its batch and place in it, and the task it was
/// made from (a rerun or an edited resubmit).
public struct TaskOrigin: Sendable, Equatable {
    public var batchID: String?
    public var batchIndex: Int?
    public var parentID: String?

    public init(batchID: String? = nil, batchIndex: Int? = nil, parentID: String? = nil) {
        self.batchID = batchID
        self.batchIndex = batchIndex
        self.parentID = parentID
    }

    public static let standalone = TaskOrigin()
}
