import FluxAPI
import TaskStore

/// Earlier prompts, newest first and each once, for ↑/↓ and Ctrl-R in prompt fields. Built from the
/// task database when the app starts (off the loop, with the tasks) and kept up to date as tasks
/// are submitted, so it spans sessions.
public struct PromptHistory: Sendable, Equatable {
    /// At most this many prompts are kept: Ctrl-R filters them on every key, and 10,000 distinct
    /// prompts filter in well under a frame.
    public static let capacity = 10_000

    public private(set) var prompts: [String] = []

    public init() {}

    /// From tasks in any order: the newest use of each prompt counts.
    public init(tasks: [TaskEntry]) {
        var seen: Set<String> = []
        for task in tasks.sorted(by: { $0.createdAt > $1.createdAt }) {
            guard prompts.count < Self.capacity, let prompt = task.parameters["prompt"]?.promptText, seen.insert(prompt).inserted else {
                continue
            }
            prompts.append(prompt)
        }
    }

    /// A prompt just used goes to the front.
    public mutating func add(_ prompt: String) {
        guard !prompt.isEmpty, prompts.first != prompt else { return }
        prompts.removeAll { $0 == prompt }
        prompts.insert(prompt, at: 0)
        if prompts.count > Self.capacity { prompts.removeLast() }
    }
}

extension FieldValue {
    /// The text of a prompt value (nil for anything else).
    var promptText: String? {
        if case .text(let text) = self, !text.isEmpty { return text }
        return nil
    }
}
