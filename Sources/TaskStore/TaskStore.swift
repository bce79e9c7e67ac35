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
        // WAL with synchronous=NORMAL: a commit does not wait for fsync (checkpoints do). A crash
        // or kill of the app loses nothing; only a power cut can drop the last few commits, and
        // the database stays consistent either way. With FULL, every task change waited for the
        // disk (1,000 tasks: ~6,000 fsyncs on the engine's path).
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
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
        try save([task])
    }

    /// Saves several tasks in one transaction.
    public func save(_ tasks: [TaskEntry]) throws {
        try writer.write { db in
            for task in tasks {
                var stored = task
                stored.parameters = TaskEntry.storable(task.parameters, endpoint: task.endpoint)
                try stored.upsertFast(db)
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

    /// The stored columns, in table order; the one list both `encode(to:)` and the upsert use.
    static let columnNames = ["id", "remoteID", "endpoint", "parameters", "phase", "statusText", "progress", "seed",
                              "pollingURL", "sampleURL", "cost", "createdAt", "submittedAt", "finishedAt", "updatedAt",
                              "error", "outputs", "hidden"]

    /// Column values in `columnNames` order. The JSON columns are written by `ColumnJSON` in the
    /// layout the `Encodable` default gave them (GRDB's JSON encoder is the fallback).
    func columnValues() throws -> [(any DatabaseValueConvertible)?] {
        let parametersJSON = try ColumnJSON.parameters(parameters)
            ?? String(decoding: try Self.databaseJSONEncoder(for: "parameters").encode(parameters), as: UTF8.self)
        return [id, remoteID, endpoint, parametersJSON,
                phase.rawValue, statusText, progress, seed, pollingURL, sampleURL, cost, createdAt, submittedAt, finishedAt, updatedAt,
                error, ColumnJSON.strings(outputs), hidden]
    }

    /// Writes the columns directly. The `Encodable` default went through GRDB's record encoder
    /// twice per save (update, then the primary key).
    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, try columnValues()) { container[name] = value }
    }

    /// Insert-or-update of one task as a single statement, prepared once per connection
    /// (`cachedStatement`): the task engine saves every change of every task, and with 1,000
    /// tasks in flight building the statement for each save was a sixth of the client's time.
    static let upsertSQL: String = {
        let columns = columnNames.map { "\"\($0)\"" }
        let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }
        return "INSERT INTO task (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", "))) "
            + "ON CONFLICT(\"id\") DO UPDATE SET \(updates.joined(separator: ", "))"
    }()

    func upsertFast(_ db: Database) throws {
        try db.cachedStatement(sql: Self.upsertSQL).execute(arguments: StatementArguments(try columnValues()))
    }

    /// Reads a row column by column. The `Decodable` default (GRDB's row decoder, plus
    /// `JSONDecoder` for the JSON columns) took ~85 µs a task, most of a second for the 10,000
    /// tasks the app reads at start; this takes a few µs. Anything unexpected in a JSON column
    /// falls back to `JSONDecoder`, so the result is the same.
    public init(row: Row) throws {
        let phaseText = try row.decode(String.self, forColumn: "phase")
        guard let phase = TaskPhase(rawValue: phaseText) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown task phase '\(phaseText)'"))
        }
        self.init(id: try row.decode(String.self, forColumn: "id"),
                  remoteID: try row.decode(String?.self, forColumn: "remoteID"),
                  endpoint: try row.decode(String.self, forColumn: "endpoint"),
                  parameters: try row.withUnsafeData(named: "parameters") { try Self.decodeParameters($0) },
                  phase: phase,
                  statusText: try row.decode(String?.self, forColumn: "statusText"),
                  progress: try row.decode(Double?.self, forColumn: "progress"),
                  seed: try row.decode(Int?.self, forColumn: "seed"),
                  pollingURL: try row.decode(String?.self, forColumn: "pollingURL"),
                  sampleURL: try row.decode(String?.self, forColumn: "sampleURL"),
                  cost: try row.decode(Double?.self, forColumn: "cost"),
                  createdAt: try row.decode(Date.self, forColumn: "createdAt"),
                  submittedAt: try row.decode(Date?.self, forColumn: "submittedAt"),
                  finishedAt: try row.decode(Date?.self, forColumn: "finishedAt"),
                  updatedAt: try row.decode(Date.self, forColumn: "updatedAt"),
                  error: try row.decode(String?.self, forColumn: "error"),
                  outputs: try row.withUnsafeData(named: "outputs") { data in
                      guard let data else { return [] }
                      if case .array(let items)? = RowJSON.parse(data) {
                          let strings = items.compactMap { item -> String? in if case .string(let s) = item { return s }; return nil }
                          if strings.count == items.count { return strings }
                      }
                      return try JSONDecoder().decode([String].self, from: data)
                  },
                  hidden: try row.decode(Bool.self, forColumn: "hidden"))
    }

    /// `TaskParameters` as its synthesized `Codable` writes it:
    /// `{"values": {"seed": {"integer": {"_0": 42}}, "x": {"null": {}}, ...}}`.
    static func decodeParameters(_ data: Data?) throws -> TaskParameters {
        guard let data else { return TaskParameters() }
        if case .object(let top)? = RowJSON.parse(data), top.count == 1, top[0].0 == "values", case .object(let members) = top[0].1 {
            var values: [String: FieldValue] = [:]
            values.reserveCapacity(members.count)
            for (name, encoded) in members {
                guard case .object(let wrapper) = encoded, wrapper.count == 1, case .object(let box) = wrapper[0].1 else { break }
                let payload: RowJSON? = box.count == 1 && box[0].0 == "_0" ? box[0].1 : nil
                let value: FieldValue?
                switch (wrapper[0].0, payload) {
                case ("null", nil): value = box.isEmpty ? .null : nil
                case ("text", .string(let s)?): value = .text(s)
                case ("file", .string(let s)?): value = .file(s)
                case ("url", .string(let s)?): value = .url(s)
                case ("base64", .string(let s)?): value = .base64(s)
                case ("integer", .integer(let i)?): value = .integer(i)
                case ("number", .integer(let i)?): value = .number(Double(i))
                case ("number", .number(let d)?): value = .number(d)
                case ("boolean", .bool(let b)?): value = .boolean(b)
                default: value = nil
                }
                guard let value, values[name] == nil else { break }
                values[name] = value
            }
            if values.count == members.count { return TaskParameters(values) }
        }
        return try JSONDecoder().decode(TaskParameters.self, from: data)
    }
}

/// A small JSON reader for the two JSON columns of a task (parameters, outputs): a fast path for
/// reading thousands of rows at start. Returns nil for anything it does not handle (exotic
/// numbers, invalid text), and the caller falls back to `JSONDecoder`.
enum RowJSON: Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([RowJSON])
    /// Members in document order.
    case object([(String, RowJSON)])

    static func == (a: RowJSON, b: RowJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    static func parse(_ data: Data) -> RowJSON? {
        data.withUnsafeBytes { raw -> RowJSON? in
            var reader = Reader(bytes: raw.bindMemory(to: UInt8.self))
            guard let value = reader.value() else { return nil }
            reader.skipSpace()
            return reader.at == reader.bytes.count ? value : nil
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0
        var depth = 0

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func literal(_ word: StaticString, _ value: RowJSON) -> RowJSON? {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { return nil }
            for i in 0..<count where bytes[at + i] != word.utf8Start[i] { return nil }
            at += count
            return value
        }

        mutating func value() -> RowJSON? {
            skipSpace()
            guard at < bytes.count, depth < 32 else { return nil }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                at += 1
                depth += 1
                defer { depth -= 1 }
                var members: [(String, RowJSON)] = []
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
                    at += 1
                    guard let member = value() else { return nil }
                    members.append((key, member))
                    skipSpace()
                    guard at < bytes.count else { return nil }
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
                    return nil
                }
            case UInt8(ascii: "["):
                at += 1
                depth += 1
                defer { depth -= 1 }
                var items: [RowJSON] = []
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                while true {
                    guard let item = value() else { return nil }
                    items.append(item)
                    skipSpace()
                    guard at < bytes.count else { return nil }
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "\""): return string().map(RowJSON.string)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        /// Integers that fit an Int, and plain decimals; anything else (exponents...) gives nil.
        mutating func number() -> RowJSON? {
            let start = at
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            var digits = 0
            var isInteger = true
            while at < bytes.count {
                let b = bytes[at]
                if b >= 0x30 && b <= 0x39 { digits += 1 } else if b == UInt8(ascii: ".") && isInteger { isInteger = false } else { break }
                at += 1
            }
            guard digits > 0 else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            if isInteger, let i = Int(text) { return .integer(i) }
            if !isInteger, let d = Double(text), d.isFinite { return .number(d) }
            return nil
        }

        mutating func string() -> String? {
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            at += 1
            let start = at
            // Fast path: no escapes.
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: "\"") {
                defer { at += 1 }
                return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            }
            var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
            while at < bytes.count {
                let b = bytes[at]
                if b == UInt8(ascii: "\"") {
                    at += 1
                    return String(validating: out, as: UTF8.self)
                }
                if b < 0x20 { return nil }
                if b != UInt8(ascii: "\\") { out.append(b); at += 1; continue }
                guard at + 1 < bytes.count else { return nil }
                let e = bytes[at + 1]
                at += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair: \uD83D\uDE00.
                        guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { return nil }
                        at += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: return nil
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[at]
                let d: UInt8
                switch b {
                case 0x30...0x39: d = b - 0x30
                case 0x41...0x46: d = b - 0x41 + 10
                case 0x61...0x66: d = b - 0x61 + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
                at += 1
            }
            return v
        }
    }
}

extension FinetuneEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "finetune"
}
