/// The tasks a task was made from (rerun, edited resubmit), parent first, each with what changed
/// on the way to its child. Walked through a lookup (the app's list, or the store), at most
/// `limit` steps, and safe against a cycle in damaged data.
public struct TaskLineage: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public let parentID: String
        /// Nil when the parent is no longer known (removed from the list, another database).
        public let parent: TaskEntry?
        public let child: TaskEntry

        /// "from 1a2b3c4d (flux-dev): seed 42 → 7" — what the child changed of its parent.
        public var line: String {
            let short = String(parentID.prefix(8))
            guard let parent else { return "from \(short): no longer on the list" }
            return "from \(short) (\(parent.endpoint)): \(TaskDifference(parent, child).summary)"
        }
    }

    public let steps: [Step]
    /// The chain goes on past `limit`.
    public let truncated: Bool

    public static let defaultLimit = 5

    public init(of task: TaskEntry, limit: Int = defaultLimit, lookup: (String) -> TaskEntry?) {
        var steps: [Step] = []
        var seen: Set<String> = [task.id]
        var child = task
        var truncated = false
        while let parentID = child.parentID, seen.insert(parentID).inserted {
            guard steps.count < limit else {
                truncated = true
                break
            }
            let parent = lookup(parentID)
            steps.append(Step(parentID: parentID, parent: parent, child: child))
            guard let parent else { break }
            child = parent
        }
        self.steps = steps
        self.truncated = truncated
    }

    /// The detail pane's lines: one per step, and "…" when the chain goes on.
    public var lines: [String] {
        steps.map(\.line) + (truncated ? ["… earlier steps not shown"] : [])
    }

    /// The number of `lines`, without building them (layout asks on every key press).
    public var lineCount: Int { steps.count + (truncated ? 1 : 0) }
}
