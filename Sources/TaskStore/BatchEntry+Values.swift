import FluxAPI

extension BatchEntry {
    /// One varied field's value for a task, as `label(of:)` shows it ("3", "2.5", "cat.png"); nil
    /// when the task has no value for the field. Contact sheets head their rows and columns with it.
    public func valueText(_ field: String, of task: TaskEntry) -> String? {
        let value = field == "seed" ? (task.seed.map { FieldValue.integer($0) } ?? task.parameters[field]) : task.parameters[field]
        return value.map { Self.short($0.displayText) }
    }
}
