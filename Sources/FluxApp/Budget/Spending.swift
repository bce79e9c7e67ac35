import FluxAPI
import Foundation
import TaskStore

/// What the app knows about money: the limits in force and what each task was charged, by task
/// id (so a task seen both in the database and from the engine counts once).
public struct Spending: Sendable {
    public var limits = BudgetLimits()
    private var charges: [String: (cost: Double, at: Date)] = [:]

    public init(limits: BudgetLimits = BudgetLimits()) {
        self.limits = limits
    }

    public mutating func record(id: String, cost: Double, at date: Date) {
        guard cost.isFinite, cost >= 0 else { return }
        charges[id] = (cost, date)
    }

    /// A task as the app sees it: counted once it has a cost.
    public mutating func record(_ task: TaskEntry) {
        guard let cost = task.cost else { return }
        record(id: task.id, cost: cost, at: task.submittedAt ?? task.createdAt)
    }

    /// Credits charged since the start of `now`'s local day.
    public func spentToday(now: Date, calendar: Calendar = .current) -> Double {
        let midnight = calendar.startOfDay(for: now)
        return charges.values.reduce(0) { $1.at >= midnight ? $0 + $1.cost : $0 }
    }

    /// The budget's word on a submit estimated at `estimate` credits; `queued`: estimates of tasks
    /// sent off and not charged yet.
    public func check(estimate: Double?, queued: Double = 0, now: Date, what: String = "this task") -> BudgetDecision {
        BudgetGuard.check(spentToday: spentToday(now: now), queued: queued, estimate: estimate, limits: limits, what: what)
    }
}

extension CostEstimator {
    /// Learns from stored tasks (newest first, as the store lists them): the newest `window` of
    /// each endpoint, oldest of them first, so 10,000 tasks cost no more than a few hundred.
    public mutating func learn(from tasksNewestFirst: [TaskEntry]) {
        var picked: [String: [TaskEntry]] = [:]
        for task in tasksNewestFirst where task.cost != nil {
            if picked[task.endpoint, default: []].count < Self.window { picked[task.endpoint, default: []].append(task) }
        }
        for (name, tasks) in picked {
            guard let endpoint = EndpointRegistry.endpoint(named: name) else { continue }
            for task in tasks.reversed() { record(endpoint, task.parameters, cost: task.cost ?? 0) }
        }
    }

    /// Learns from one task the engine reported (call once, when its cost first appears).
    public mutating func learn(from task: TaskEntry) {
        guard let cost = task.cost, let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return }
        record(endpoint, task.parameters, cost: cost)
    }
}
