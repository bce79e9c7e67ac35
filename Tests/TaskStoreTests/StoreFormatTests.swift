import FluxAPI
import Foundation
import GRDB
import Testing
import TestSupport

@testable import TaskStore

/// The task table keeps a task's parameters as the plain request JSON (file fields as their
/// path), typed again by the endpoint's fields when read; `outputs` as a JSON list of paths.
@Suite struct StoreFormatTests {
    static let awkwardTexts = [
        "", "plain", "quote \" and backslash \\", "tab\tnew\nline\rcr", "control \u{01}\u{1F}", "slash / here",
        "Größe ✓ 日本語", "emoji 🏝️👩‍👩‍👧", "\u{7F} delete", "ends with backslash \\",
    ]
    static let awkwardNumbers: [Double] = [0, -0.5, 2.5, 3, 1e-7, 1e300, -1234.5678, 0.1 + 0.2, Double(Int32.max) + 0.5]

    func task(_ values: [String: FieldValue], endpoint: String = "flux-dev", outputs: [String] = ["/out/a.jpg"]) -> TaskEntry {
        TaskEntry(remoteID: "r-1", endpoint: endpoint, parameters: TaskParameters(values), phase: .done,
                  statusText: "Ready", progress: 1, seed: 42, pollingURL: "http://127.0.0.1/v1/get_result?id=r-1",
                  cost: 2.5, createdAt: Date(timeIntervalSince1970: 1_700_000_000.25), submittedAt: Date(timeIntervalSince1970: 1_700_000_001),
                  finishedAt: Date(timeIntervalSince1970: 1_700_000_031.5), error: "a \"quoted\" error", outputs: outputs)
    }

    /// Saves, reads back through the store, and compares with the original.
    func roundTrip(_ original: TaskEntry, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = try TaskStore()
        try store.save(original)
        let loaded = try #require(try store.task(id: original.id), sourceLocation: sourceLocation)
        #expect(loaded.parameters == original.parameters, sourceLocation: sourceLocation)
        #expect(loaded.outputs == original.outputs, sourceLocation: sourceLocation)
        #expect(loaded.error == original.error, sourceLocation: sourceLocation)
        #expect(abs(loaded.createdAt.timeIntervalSince(original.createdAt)) < 0.001, sourceLocation: sourceLocation)
    }

    /// The parameters column as stored.
    static func storedParameters(_ store: DatabaseQueue, id: String) throws -> String? {
        try store.read { db in try String.fetchOne(db, sql: "SELECT parameters FROM task WHERE id = ?", arguments: [id]) }
    }

    @Test(arguments: awkwardTexts)
    func textsOfEveryKindRoundTrip(_ text: String) throws {
        try roundTrip(task(["prompt": .text(text), "image_prompt": .file("/in/\(text).png")], outputs: ["/out/\(text).jpg", text]))
        try roundTrip(task(["prompt": .text(text), "image_prompt": .url("https://x.example/\(text)")], endpoint: "flux-pro-1.1-ultra"))
    }

    @Test(arguments: awkwardNumbers)
    func numbersRoundTripExactly(_ number: Double) throws {
        try roundTrip(task(["guidance": .number(number), "steps": .integer(Int(number.magnitude.truncatingRemainder(dividingBy: 1000))),
                            "prompt_upsampling": .boolean(number > 1), "image_prompt": .null]))
    }

    @Test func extremeIntegersAndEmptyParameters() throws {
        try roundTrip(task(["seed": .integer(Int.max), "steps": .integer(Int.min)]))
        try roundTrip(task([:], outputs: []))
    }

    @Test func theColumnHoldsThePlainRequestWithPaths() throws {
        let queue = try DatabaseQueue()
        try StoreMigrations.migrator.migrate(queue)
        let entry = task([
            "prompt": .text("a sofa"), "seed": .integer(7), "guidance": .number(30), "image": .file("/in/room.png"),
            "mask": .base64("QUJD"), "webhook_secret": .text("PLANTED"), "output_format": .text("png"), "steps": .null,
        ], endpoint: "flux-pro-1.0-fill")
        try queue.write { db in try entry.upsert(db) }
        #expect(try Self.storedParameters(queue, id: entry.id)
                == #"{"guidance":30.0,"image":"/in/room.png","output_format":"png","prompt":"a sofa","seed":7,"steps":null}"#)
    }

    @Test func valuesAreTypedByTheirFieldOrElseByTheirJSON() throws {
        let fill = EndpointRegistry.endpoint(named: "flux-pro-1.0-fill")
        func read(_ json: String, _ endpoint: Endpoint?) throws -> TaskParameters {
            try TaskColumns.parameters(fromJSON: Data(json.utf8), endpoint: endpoint)
        }
        #expect(try read(#"{"guidance":30,"steps":50.0,"image":"https://e.com/a.png","mask":"/m.png","prompt":"https://x"}"#, fill)
                == TaskParameters(["guidance": .number(30), "steps": .integer(50), "image": .url("https://e.com/a.png"),
                                   "mask": .file("/m.png"), "prompt": .text("https://x")]))
        // A newer version's endpoint: the JSON alone says the type.
        #expect(try read(#"{"a":1,"b":1.5,"c":"x","d":true,"e":null}"#, nil)
                == TaskParameters(["a": .integer(1), "b": .number(1.5), "c": .text("x"), "d": .boolean(true), "e": .null]))
    }

    @Test func aCorruptColumnIsAnErrorNamingTheProblemNotACrash() throws {
        #expect(throws: JSONValueError.self) { try TaskColumns.parameters(fromJSON: Data(#"{"prompt": "#.utf8), endpoint: nil) }
        let notObject = #expect(throws: TaskStoreError.self) { try TaskColumns.parameters(fromJSON: Data("[1, 2]".utf8), endpoint: nil) }
        #expect(notObject?.reason.contains("not a JSON object") == true)
        let nested = #expect(throws: TaskStoreError.self) { try TaskColumns.parameters(fromJSON: Data(#"{"p": {"x": 1}}"#.utf8), endpoint: nil) }
        #expect(nested?.reason == "the parameter p holds an object")
        #expect(throws: TaskStoreError.self) { try TaskColumns.outputs(fromJSON: Data("[1]".utf8)) }
    }

    @Test func anUnknownPhaseIsReportedByName() throws {
        let queue = try DatabaseQueue()
        try StoreMigrations.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO task (id, endpoint, parameters, phase, createdAt, updatedAt, outputs, hidden)
                VALUES ('x', 'flux-dev', '{}', 'exploded', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', '[]', 0)
                """)
        }
        let error = try #require(throws: (any Error).self) { try queue.read { db in try TaskEntry.fetchAll(db) } }
        #expect("\(error)".contains("exploded"))
    }
}
