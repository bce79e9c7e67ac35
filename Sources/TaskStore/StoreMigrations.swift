import FluxAPI
import GRDB

/// The task database's schema, step by step. A step, once released, never changes: databases
/// written by that release run the steps after it, in place, when they are opened.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createTables)
        migrator.registerMigration("v2-plain-parameters", migrate: plainParameters)
        migrator.registerMigration("v3-batches-and-lineage", migrate: batchesAndLineage)
        return migrator
    }

    private static func createTables(_ db: Database) throws {
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

    /// v3: tasks belong to a batch (a sweep or a batch file, in order) and remember the task
    /// they were made from (rerun, edit and resubmit). Older tasks have neither.
    private static func batchesAndLineage(_ db: Database) throws {
        try db.create(table: "batch") { t in
            t.primaryKey("id", .text)
            t.column("endpoint", .text)
            t.column("title", .text).notNull()
            t.column("variedFields", .jsonText).notNull()
            t.column("taskCount", .integer).notNull()
            t.column("createdAt", .datetime).notNull().indexed()
            t.column("hidden", .boolean).notNull().defaults(to: false)
        }
        try db.alter(table: "task") { t in
            t.add(column: "batchID", .text)
            t.add(column: "batchIndex", .integer)
            t.add(column: "parentID", .text)
        }
        try db.create(index: "task_on_batchID", on: "task", columns: ["batchID"])
    }

    /// v1 stored parameters in the layout Swift synthesizes for `TaskParameters`
    /// (`{"values":{"seed":{"integer":{"_0":42}}}}`); from v2 on they are the plain request JSON
    /// (`{"seed":42}`). A row whose column cannot be read is left as it was (it could not be read
    /// before either) and is reported when it is read.
    private static func plainParameters(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, endpoint, parameters FROM task")
        let update = try db.makeStatement(sql: "UPDATE task SET parameters = ? WHERE id = ?")
        for row in rows {
            let id: String = row["id"]
            let endpoint: String = row["endpoint"]
            guard let text: String = row["parameters"], let json = try? JSONValue.parse(text),
                  let parameters = synthesizedParameters(json) else { continue }
            let plain = TaskColumns.parametersJSON(TaskEntry.storable(parameters, endpoint: endpoint))
            try update.execute(arguments: [plain, id])
        }
    }

    /// Reads v1's layout: each value is `{"<case>":{"_0":<payload>}}`, or `{"null":{}}`.
    static func synthesizedParameters(_ json: JSONValue) -> TaskParameters? {
        guard case .object(let top) = json, top.count == 1, case .object(let members)? = top["values"] else { return nil }
        var values: [String: FieldValue] = [:]
        for (name, encoded) in members {
            guard case .object(let wrapper) = encoded, wrapper.count == 1, let box = wrapper.first,
                  case .object(let payload) = box.value else { return nil }
            let value: FieldValue
            switch (box.key, payload["_0"]) {
            case ("null", nil) where payload.isEmpty: value = .null
            case ("text", .string(let s)?): value = .text(s)
            case ("file", .string(let s)?): value = .file(s)
            case ("url", .string(let s)?): value = .url(s)
            case ("base64", .string(let s)?): value = .base64(s)
            case ("integer", .int(let i)?): value = .integer(i)
            case ("number", .int(let i)?): value = .number(Double(i))
            case ("number", .double(let d)?): value = .number(d)
            case ("boolean", .bool(let b)?): value = .boolean(b)
            default: return nil
            }
            values[name] = value
        }
        return TaskParameters(values)
    }
}
