import FluxAPI
import Foundation
import GRDB

/// SQLite persistence of tasks and fine-tunes. A file database uses WAL (GRDB's `DatabasePool`)
/// and every change is one transaction, so a crash at any point leaves a consistent store.
/// Errors are `TaskStoreError`s, worded for people.
public final class TaskStore: Sendable {
    private let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String) throws {
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
        } catch {
            throw TaskStoreError(reason: "cannot create the folder of \(path): \((error as NSError).localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        // WAL with synchronous=NORMAL: a commit does not wait for fsync (checkpoints do). A crash
        // or kill of the app loses nothing; only a power cut can drop the last few commits, and
        // the database stays consistent either way. With FULL, every task change waited for the
        // disk (1,000 tasks: ~6,000 fsyncs on the engine's path).
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            writer = pool
            try StoreMigrations.migrator.migrate(pool)
        } catch {
            throw TaskStoreError(error)
        }
        // The database holds prompts and paths: keep it private to the user.
        chmod(path, 0o600)
    }

    /// A store in memory: for tests, and for the command line, whose one task needs no history.
    public init() throws {
        do {
            let queue = try DatabaseQueue()
            writer = queue
            try StoreMigrations.migrator.migrate(queue)
        } catch {
            throw TaskStoreError(error)
        }
    }

    // MARK: tasks

    /// Inserts or updates a task. Secrets and inline payloads are stripped first, and a task
    /// taken off the list stays off it (`hidden` is only ever set by `hide`).
    public func save(_ task: TaskEntry) throws {
        try save([task])
    }

    /// Saves several tasks in one transaction.
    public func save(_ tasks: [TaskEntry]) throws {
        try write { db in
            for task in tasks { try task.upsert(db) }
        }
    }

    public func task(id: String) throws -> TaskEntry? {
        try read { db in try TaskEntry.fetchOne(db, key: id) }
    }

    /// Visible tasks, newest first.
    public func tasks(includeHidden: Bool = false) throws -> [TaskEntry] {
        try read { db in
            var request = TaskEntry.order(Column("createdAt").desc)
            if !includeHidden { request = request.filter(Column("hidden") == false) }
            return try request.fetchAll(db)
        }
    }

    /// Tasks on the list that need work after a restart (queued, submitting, running,
    /// downloading), oldest first. A row that cannot be read (a damaged column, a phase from a
    /// newer version) is listed in `unreadable` instead of keeping the others from resuming.
    public func activeTasks() throws -> (tasks: [TaskEntry], unreadable: [(id: String, error: TaskStoreError)]) {
        try read { db in
            var tasks: [TaskEntry] = []
            var unreadable: [(id: String, error: TaskStoreError)] = []
            let active = TaskPhase.allCases.filter(\.isActive).map(\.rawValue)
            let rows = try Row.fetchCursor(db, TaskEntry.filter(active.contains(Column("phase")) && Column("hidden") == false)
                .order(Column("createdAt")))
            while let row = try rows.next() {
                do { tasks.append(try TaskEntry(row: row)) } catch {
                    unreadable.append((row["id"] ?? "?", TaskStoreError(error)))
                }
            }
            return (tasks, unreadable)
        }
    }

    /// Takes a task off the list; its files stay on disk.
    public func hide(id: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE task SET hidden = 1, updatedAt = ? WHERE id = ?", arguments: [Date(), id])
        }
    }

    /// Tasks whose local id or remote id starts with `prefix` (people type the first characters),
    /// hidden ones included: a removed task's files and id are still real.
    public func tasks(idPrefix prefix: String) throws -> [TaskEntry] {
        let pattern = Self.likePrefix(prefix)
        return try read { db in
            try TaskEntry.filter(Column("id").like(pattern, escape: "\\") || Column("remoteID").like(pattern, escape: "\\"))
                .order(Column("createdAt").desc).fetchAll(db)
        }
    }

    /// `prefix%` with LIKE's wildcards in `prefix` escaped (ids hold `_`, and `-` is fine).
    static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    public func count() throws -> Int { try read { db in try TaskEntry.fetchCount(db) } }

    // MARK: batches

    /// Saves a batch and its tasks in one transaction: a batch is on the list whole or not at all.
    public func save(_ batch: BatchEntry, tasks: [TaskEntry]) throws {
        try write { db in
            try batch.save(db)
            for task in tasks { try task.upsert(db) }
        }
    }

    public func batch(id: String) throws -> BatchEntry? {
        try read { db in try BatchEntry.fetchOne(db, key: id) }
    }

    /// Batches on the list, newest first.
    public func batches() throws -> [BatchEntry] {
        try read { db in try BatchEntry.filter(Column("hidden") == false).order(Column("createdAt").desc).fetchAll(db) }
    }

    /// A batch's tasks on the list, in batch order.
    public func tasks(inBatch id: String) throws -> [TaskEntry] {
        try read { db in
            try TaskEntry.filter(Column("batchID") == id && Column("hidden") == false).order(Column("batchIndex")).fetchAll(db)
        }
    }

    /// The batches whose id starts with `prefix` (people type the first characters, as with
    /// task ids).
    public func batches(idPrefix prefix: String) throws -> [BatchEntry] {
        try read { db in
            try BatchEntry.filter(Column("id").like(prefix.replacingOccurrences(of: "%", with: "") + "%")).fetchAll(db)
        }
    }

    // MARK: fine-tunes

    public func save(_ finetune: FinetuneEntry) throws {
        try write { db in try finetune.save(db) }
    }

    public func finetunes(includeHidden: Bool = false) throws -> [FinetuneEntry] {
        try read { db in
            var request = FinetuneEntry.order(Column("createdAt").desc)
            if !includeHidden { request = request.filter(Column("hidden") == false) }
            return try request.fetchAll(db)
        }
    }

    public func deleteFinetune(id: String) throws {
        _ = try write { db in try FinetuneEntry.deleteOne(db, key: id) }
    }

    // MARK: access

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch { throw TaskStoreError(error) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.write(body) } catch { throw TaskStoreError(error) }
    }
}

extension BatchEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "batch"
}

extension FinetuneEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "finetune"
}
