import Foundation
import TaskStore
import TerminalKit

/// When and how the app announces a task that ended while the user may have looked away.
public struct NotificationSettings: Sendable, Equatable {
    public var style: NotificationStyle
    /// Tasks that ran at least this long are announced; quicker ones were watched.
    public var after: Double

    public init(style: NotificationStyle = .off, after: Double = 30) {
        self.style = style
        self.after = after
    }

    /// The notification for a task that just ended, if it ran long enough to be worth one.
    func notification(for task: TaskEntry, endedAt now: Date) -> TerminalNotification? {
        guard style != .off, task.phase.isFinal else { return nil }
        let start = task.submittedAt ?? task.createdAt
        let end = task.finishedAt ?? now
        guard end.timeIntervalSince(start) >= after else { return nil }
        let what = task.prompt.map { "“\($0.prefix(60))”" } ?? task.endpoint
        switch task.phase {
        case .done: return TerminalNotification(title: "flux-tui: \(task.endpoint) ready", body: what)
        case .moderated: return TerminalNotification(title: "flux-tui: \(task.endpoint) moderated", body: task.error ?? what)
        default: return TerminalNotification(title: "flux-tui: \(task.endpoint) \(task.phase.rawValue)", body: task.error ?? what)
        }
    }

    /// The one notification for a batch whose last task just ended, if it ran long enough (from
    /// its first task's submission) to be worth one.
    func notification(forBatch header: BatchHeader, tasks: [TaskEntry], endedAt now: Date) -> TerminalNotification? {
        guard style != .off, header.isFinished, let start = tasks.map({ $0.submittedAt ?? $0.createdAt }).min() else { return nil }
        let end = tasks.compactMap(\.finishedAt).max() ?? now
        guard end.timeIntervalSince(start) >= after else { return nil }
        let outcome = header.failed == 0 ? "ready" : "done"
        return TerminalNotification(title: "flux-tui: batch \(outcome) (\(header.done)/\(header.total))",
                                    body: "\(header.title) · \(header.summary)")
    }
}
