import FluxAPI
import Foundation
import GRDB

/// A task as a row of the `task` table, read and written column by column.
extension TaskEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "task"

    /// The stored columns, in table order; the one list both `encode(to:)` and the upsert use.
    static let columnNames = ["id", "remoteID", "endpoint", "parameters", "phase", "statusText", "progress", "seed",
                              "pollingURL", "sampleURL", "cost", "createdAt", "submittedAt", "finishedAt", "updatedAt",
                              "error", "outputs", "hidden", "batchID", "batchIndex", "parentID"]

    /// Column values in `columnNames` order; parameters as they may be stored (`storable`), dates
    /// as GRDB's text (`StorageDate`).
    func columnValues() -> [(any DatabaseValueConvertible)?] {
        [id, remoteID, endpoint, TaskColumns.parametersJSON(Self.storable(parameters, endpoint: endpoint)),
         phase.rawValue, statusText, progress, seed, pollingURL, sampleURL, cost,
         StorageDate.value(createdAt), StorageDate.value(submittedAt), StorageDate.value(finishedAt), StorageDate.value(updatedAt),
         error, TaskColumns.outputsJSON(outputs), hidden, batchID, batchIndex, parentID]
    }

    /// Writes the columns directly. The `Encodable` default went through GRDB's record encoder
    /// twice per save (update, then the primary key).
    public func encode(to container: inout PersistenceContainer) {
        for (name, value) in zip(Self.columnNames, columnValues()) { container[name] = value }
    }

    /// Insert-or-update of one task as a single statement, prepared once per connection
    /// (`cachedStatement`): the task engine saves every change of every task, and with 1,000
    /// tasks in flight building the statement for each save was a sixth of the client's time.
    /// `hidden` is inserted but never updated: only `TaskStore.hide` sets it, so a save racing a
    /// removal cannot bring the task back.
    static let upsertSQL: String = {
        let columns = columnNames.map { "\"\($0)\"" }
        let updates = columns.dropFirst().filter { $0 != "\"hidden\"" }.map { "\($0) = excluded.\($0)" }
        return "INSERT INTO task (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", "))) "
            + "ON CONFLICT(\"id\") DO UPDATE SET \(updates.joined(separator: ", "))"
    }()

    func upsert(_ db: Database) throws {
        try db.cachedStatement(sql: Self.upsertSQL).execute(arguments: StatementArguments(columnValues()))
    }

    /// Reads a row column by column. The `Decodable` default (GRDB's row decoder, plus
    /// `JSONDecoder` for the JSON columns) took ~85 µs a task, most of a second for the 10,000
    /// tasks the app reads at start; this takes a few µs.
    public init(row: Row) throws {
        let id = try row.decode(String.self, forColumn: "id")
        let phaseText = try row.decode(String.self, forColumn: "phase")
        guard let phase = TaskPhase(rawValue: phaseText) else {
            throw TaskStoreError(reason: "task \(id) has an unknown phase '\(phaseText)'")
        }
        let endpoint = try row.decode(String.self, forColumn: "endpoint")
        let spec = EndpointRegistry.endpoint(named: endpoint)
        self.init(id: id,
                  remoteID: try row.decode(String?.self, forColumn: "remoteID"),
                  endpoint: endpoint,
                  parameters: try row.withUnsafeData(named: "parameters") { data in
                      guard let data else { return TaskParameters() }
                      return try TaskColumns.parameters(fromJSON: data, endpoint: spec)
                  },
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
                      return try TaskColumns.outputs(fromJSON: data)
                  },
                  hidden: try row.decode(Bool.self, forColumn: "hidden"),
                  origin: TaskOrigin(batchID: try row.decode(String?.self, forColumn: "batchID"),
                                     batchIndex: try row.decode(Int?.self, forColumn: "batchIndex"),
                                     parentID: try row.decode(String?.self, forColumn: "parentID")))
    }
}
