import FluxAPI
import FluxApp
import Foundation
import TaskStore

/// The command line's view of the user's task database, for money only: what today cost, what
/// tasks cost (to estimate), and recording what its own tasks were charged. Its tasks are stored
/// off the list (hidden): the budget counts them, while the app's list and its engine's work stay
/// the app's (see docs/design-notes.md, "One pipeline").
enum CommandLineSpend {
    /// Credits charged since local midnight, every task of the database included.
    static func spentToday(now: Date = Date()) throws -> Double {
        guard let store = try StoredTasks.existing() else { return 0 }
        return try store.charges(since: Calendar.current.startOfDay(for: now)).reduce(0) { $0 + $1.cost }
    }

    /// An estimator that learned from the database's charged tasks (the price table without one).
    static func estimator() -> CostEstimator {
        var estimator = CostEstimator()
        if let tasks = try? StoredTasks.existing()?.chargedTasks() { estimator.learn(from: tasks) }
        return estimator
    }

    /// Stores a task this command submitted, off the list, so its cost counts towards the day's
    /// budget of every later command and of the app. A failure is reported, not fatal: the task ran.
    static func record(_ task: TaskEntry) {
        guard task.remoteID != nil else { return }
        var entry = task
        entry.hidden = true
        do { try TaskStore(path: AppPaths().databaseFile.path).save(entry) } catch {
            Console.error("flux-tui: warning: could not record the task's cost in the task database: \(error)")
        }
    }
}
