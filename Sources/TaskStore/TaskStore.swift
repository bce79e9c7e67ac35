import FluxAPI
import Foundation
import GRDB

/// SQLite persistence of tasks and fine-tunes. A file database uses WAL (GRDB's `DatabasePool`)
/// and every change is one transaction, so a crash at any point leaves a consistent store.
public final class TaskStore: Sendable {
    private let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let pool = try DatabasePool(path: path, configuration: configuration)
        writer = pool
        try Self.migrator.migrate(pool)
        // The database holds prompts and paths: keep it private to the user.
        chmod(path, 0o600)
    }

    /// An in-memory store for tests.
    public init() throws {
        let queue = try DatabaseQueue()
        writer = queue
        try Self.migrator.migrate(queue)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "task") { t in
                t.primaryKey("id", .text)
                t.column("remoteID", .text).indexed()
                t.column("endpoint", .text).notNull()
                t.column("parameters", .jsonText).notNull()
                t.column("phase", .text).notNull()
                t.column("statusText", .text)
                t.column("progress", .double)
                t.column("seed", .integer)
                t.column("pollingURL", .text)
                t.column("sampleURL", .text)
                t.column("cost", .double)
                t.column("createdAt", .datetime).notNull().indexed()
                t.column("submittedAt", .datetime)
                t.column("finishedAt", .datetime)
                t.column("updatedAt", .datetime).notNull()
                t.column("error", .text)
                t.column("outputs", .jsonText).notNull()
                t.column("hidden", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "finetune") { t in
                t.primaryKey("id", .text)
                t.column("comment", .text)
                t.column("triggerWord", .text)
                t.column("mode", .text)
                t.column("finetuneType", .text)
                t.column("statusText", .text)
                t.column("progress", .double)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.column("details", .text)
                t.column("hidden", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }

    // MARK: tasks

    /// Inserts or replaces a task. Secrets and inline payloads are stripped first.
    public func save(_ task: TaskEntry) throws {
        var stored = task
        stored.parameters = TaskEntry.storable(task.parameters, endpoint: task.endpoint)
        try writer.write { db in try stored.save(db) }
    }

    /// Saves several tasks in one transaction.
    public func save(_ tasks: [TaskEntry]) throws {
        try writer.write { db in
            for task in tasks {
                var stored = task
                stored.parameters = TaskEntry.storable(task.parameters, endpoint: task.endpoint)
                try stored.save(db)
            }
        }
    }

    public func task(id: String) throws -> TaskEntry? {
        try writer.read { db in try TaskEntry.fetchOne(db, key: id) }
    }

    /// Visible tasks, newest first.
    public func tasks(includeHidden: Bool = false) throws -> [TaskEntry] {
        try writer.read { db in
            var request = TaskEntry.order(Column("createdAt").desc)
            if !includeHidden { request = request.filter(Column("hidden") == false) }
            return try request.fetchAll(db)
        }
    }

    /// Tasks that need work after a restart (queued, submitting, running, downloading).
    public func activeTasks() throws -> [TaskEntry] {
        try writer.read { db in
            try TaskEntry.filter(TaskPhase.allCases.filter(\.isActive).map(\.rawValue).contains(Column("phase")))
                .order(Column("createdAt")).fetchAll(db)
        }
    }

    /// Removes a task from the list; its files stay on disk.
    public func hide(id: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE task SET hidden = 1, updatedAt = ? WHERE id = ?", arguments: [Date(), id])
        }
    }

    public func count() throws -> Int { try writer.read { db in try TaskEntry.fetchCount(db) } }

    // MARK: fine-tunes

    public func save(_ finetune: FinetuneEntry) throws {
        try writer.write { db in try finetune.save(db) }
    }

    public func finetunes(includeHidden: Bool = false) throws -> [FinetuneEntry] {
        try writer.read { db in
            var request = FinetuneEntry.order(Column("createdAt").desc)
            if !includeHidden { request = request.filter(Column("hidden") == false) }
            return try request.fetchAll(db)
        }
    }

    public func deleteFinetune(id: String) throws {
        _ = try writer.write { db in try FinetuneEntry.deleteOne(db, key: id) }
    }
}

extension TaskEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "task"
}

extension FinetuneEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "finetune"
}
