import Foundation
import GRDB

/// What one task was charged, and when: what budgets and the spend report add up.
public struct TaskCharge: Sendable, Equatable {
    public var id: String
    public var endpoint: String
    public var cost: Double
    /// When the server charged it: the submit (its answer carries the cost), else the task's creation.
    public var chargedAt: Date

    public init(id: String, endpoint: String, cost: Double, chargedAt: Date) {
        self.id = id
        self.endpoint = endpoint
        self.cost = cost
        self.chargedAt = chargedAt
    }
}

extension TaskStore {
    /// Every task charged at or after `since` (all of them when nil), hidden ones included: a
    /// task taken off the list, or one the command line submitted (stored off the list), was
    /// still paid for. Oldest first. Reads four columns, so 100,000 tasks stay quick.
    public func charges(since: Date? = nil) throws -> [TaskCharge] {
        try read { db in
            var sql = "SELECT id, endpoint, cost, COALESCE(submittedAt, createdAt) AS chargedAt FROM task WHERE cost IS NOT NULL"
            var arguments: StatementArguments = []
            if let since {
                sql += " AND COALESCE(submittedAt, createdAt) >= ?"
                arguments = [since]
            }
            sql += " ORDER BY chargedAt"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                TaskCharge(id: row["id"], endpoint: row["endpoint"], cost: row["cost"], chargedAt: row["chargedAt"])
            }
        }
    }

    /// The newest `limit` tasks that were charged (hidden ones too), newest first: what a cost
    /// estimate learns from outside the app.
    public func chargedTasks(limit: Int = 500) throws -> [TaskEntry] {
        try read { db in
            try TaskEntry.filter(Column("cost") != nil).order(Column("createdAt").desc).limit(limit).fetchAll(db)
        }
    }
}
