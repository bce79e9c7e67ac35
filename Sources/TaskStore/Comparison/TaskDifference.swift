import FluxAPI

/// How two tasks differ: one row per parameter either has (the endpoint and the seed first), and
/// the prompt diffed word by word. The compare view draws it; the lineage in the detail pane
/// summarises it for each step.
public struct TaskDifference: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var name: String
        /// The value as shown ("—" when the task has none).
        public var left: String
        public var right: String
        public var differs: Bool
    }

    public let rows: [Row]
    /// The prompt word by word, when both tasks have one and they differ.
    public let prompt: [WordChange]?

    public init(_ left: TaskEntry, _ right: TaskEntry) {
        func text(_ value: FieldValue?, field: String, endpoint: String) -> String {
            guard let value else { return "—" }
            // A secret (webhook_secret) may be held in memory: never shown.
            if EndpointRegistry.endpoint(named: endpoint)?.field(field)?.kind == .secret { return "••••••" }
            return value.displayText
        }
        // The seed a task ran with is the one the server reported, else the one asked for.
        func seed(_ task: TaskEntry) -> String {
            task.seed.map(String.init) ?? text(task.parameters["seed"], field: "seed", endpoint: task.endpoint)
        }
        var rows = [Row(name: "endpoint", left: left.endpoint, right: right.endpoint, differs: left.endpoint != right.endpoint)]
        let l = seed(left), r = seed(right)
        rows.append(Row(name: "seed", left: l, right: r, differs: l != r))
        let names = Set(left.parameters.values.keys).union(right.parameters.values.keys).subtracting(["seed"]).sorted()
        for name in names {
            let lv = left.parameters[name], rv = right.parameters[name]
            rows.append(Row(name: name, left: text(lv, field: name, endpoint: left.endpoint),
                            right: text(rv, field: name, endpoint: right.endpoint), differs: lv != rv))
        }
        self.rows = rows
        if case .text(let a)? = left.parameters["prompt"], case .text(let b)? = right.parameters["prompt"], a != b {
            prompt = WordDiff.diff(a, b)
        } else {
            prompt = nil
        }
    }

    public var changed: [Row] { rows.filter(\.differs) }

    /// One line: "seed 42 → 7, guidance 3 → 4.5, prompt −blue +red"; "same parameters" when nothing
    /// changed (a rerun with the same seed).
    public var summary: String {
        let parts = changed.map { row -> String in
            if row.name == "prompt", let prompt { return "prompt " + WordDiff.summary(prompt) }
            return "\(row.name) \(Self.short(row.left)) → \(Self.short(row.right))"
        }
        return parts.isEmpty ? "same parameters" : parts.joined(separator: ", ")
    }

    static func short(_ text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 40 ? String(oneLine.prefix(39)) + "…" : oneLine
    }
}
