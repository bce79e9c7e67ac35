import FluxAPI
import Foundation
import GRDB
import Testing
import TestSupport

@testable import TaskStore

/// Tasks are read with a hand-written row reader (fast start-up with 10,000 tasks). Whatever it
/// reads must equal what the `Codable` path reads, and anything it does not handle must fall back
/// to `JSONDecoder` rather than fail or change a value.
@Suite struct RowReaderTests {
    static let awkwardTexts = [
        "", "plain", "quote \" and backslash \\", "tab\tnew\nline\rcr", "control \u{01}\u{1F}", "slash / here",
        "Größe ✓ 日本語", "emoji 🏝️👩‍👩‍👧", "\u{7F} delete", "ends with backslash \\",
    ]
    static let awkwardNumbers: [Double] = [0, -0.5, 2.5, 3, 1e-7, 1e300, -1234.5678, 0.1 + 0.2, Double(Int32.max) + 0.5]

    func task(_ values: [String: FieldValue], outputs: [String] = ["/out/a.jpg"]) -> TaskEntry {
        TaskEntry(remoteID: "r-1", endpoint: "flux-dev", parameters: TaskParameters(values), phase: .done,
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

    @Test(arguments: awkwardTexts)
    func textsOfEveryKindRoundTrip(_ text: String) throws {
        try roundTrip(task(["prompt": .text(text), "image_prompt": .file("/in/\(text).png"), "webhook_url": .url("https://x/\(text)")],
                           outputs: ["/out/\(text).jpg", text]))
    }

    @Test(arguments: awkwardNumbers)
    func numbersRoundTripExactly(_ number: Double) throws {
        try roundTrip(task(["guidance": .number(number), "steps": .integer(Int(number.magnitude.truncatingRemainder(dividingBy: 1000))),
                            "prompt_upsampling": .boolean(number > 1), "image_prompt": .null]))
    }

    @Test func extremeIntegersAndEmptyParameters() throws {
        try roundTrip(task(["seed": .integer(Int.max), "other": .integer(Int.min)]))
        try roundTrip(task([:], outputs: []))
    }

    /// Seeded random parameters of every kind, compared with what `JSONDecoder` reads from the
    /// same stored JSON.
    @Test func randomParametersMatchTheCodablePath() throws {
        var rng = SeededRandom(seed: 2026)
        let alphabet = Array("ab \"\\/\n\t✓日🏝️é\u{01}{}[]:,0.-e")
        for _ in 0..<300 {
            var values: [String: FieldValue] = [:]
            for i in 0..<Int.random(in: 0...8, using: &rng) {
                let text = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
                let value: FieldValue
                switch Int.random(in: 0...7, using: &rng) {
                case 0: value = .text(text)
                case 1: value = .integer(Int.random(in: Int.min...Int.max, using: &rng))
                case 2: value = .number(Double.random(in: -1e6...1e6, using: &rng))
                case 3: value = .boolean(Bool.random(using: &rng))
                case 4: value = .file(text)
                case 5: value = .url(text)
                case 6: value = .null
                default: value = .number(Double(Int.random(in: -5...5, using: &rng)))
                }
                values["\(text)-\(i)"] = value
            }
            let parameters = TaskParameters(values)
            let json = try JSONEncoder().encode(parameters)
            #expect(try TaskEntry.decodeParameters(json) == JSONDecoder().decode(TaskParameters.self, from: json))
            #expect(try TaskEntry.decodeParameters(json) == parameters)
        }
    }

    @Test func jsonTheFastReaderDoesNotHandleFallsBackToJSONDecoder() throws {
        // Escaped surrogate pairs, exponents, whitespace: as another writer might have stored them.
        let json = #"{ "values" : { "p" : { "text" : { "_0" : "\ud83c\udfdd x" } }, "g": {"number": {"_0": 1.5e2}} } }"#
        let parameters = try TaskEntry.decodeParameters(Data(json.utf8))
        #expect(parameters["p"] == .text("🏝 x"))
        #expect(parameters["g"] == .number(150))
    }

    @Test func aCorruptParametersColumnIsAnErrorNotACrash() throws {
        #expect(throws: (any Error).self) { try TaskEntry.decodeParameters(Data(#"{"values": {"p": {"text": "#.utf8)) }
        #expect(throws: (any Error).self) { try TaskEntry.decodeParameters(Data("[1, 2".utf8)) }
    }

    @Test func anUnknownPhaseIsReportedByName() throws {
        let queue = try DatabaseQueue()
        try TaskStore.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO task (id, endpoint, parameters, phase, createdAt, updatedAt, outputs, hidden)
                VALUES ('x', 'flux-dev', '{"values":{}}', 'exploded', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', '[]', 0)
                """)
        }
        let error = try #require(throws: (any Error).self) { try queue.read { db in try TaskEntry.fetchAll(db) } }
        #expect("\(error)".contains("exploded"))
    }

    /// The JSON columns are written by hand; they must be what GRDB's JSON encoder wrote before
    /// (byte for byte for text, but for its escaped "/"), and read back equal for every value.
    @Test(arguments: awkwardTexts)
    func handWrittenColumnsAreWhatTheJSONEncoderWrote(_ text: String) throws {
        let parameters = TaskParameters(["prompt": .text(text), "image_prompt": .file("/in/\(text).png"), "webhook_url": .url(text),
                                         "raw": .base64(text), "seed": .integer(-42), "flag": .boolean(true), "mask": .null])
        let encoder = TaskEntry.databaseJSONEncoder(for: "parameters")
        func encoded<T: Encodable>(_ value: T) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        }
        let json = try #require(ColumnJSON.parameters(parameters))
        #expect(json == (try encoded(parameters)))
        #expect(try JSONDecoder().decode(TaskParameters.self, from: Data(json.utf8)) == parameters)
        let outputs = ["/out/\(text).jpg", text]
        #expect(ColumnJSON.strings(outputs) == (try encoded(outputs)))
        #expect(try JSONDecoder().decode([String].self, from: Data(ColumnJSON.strings(outputs).utf8)) == outputs)
        #expect(ColumnJSON.strings([]) == "[]")
    }

    @Test(arguments: awkwardNumbers)
    func handWrittenNumbersReadBackExactly(_ number: Double) throws {
        let parameters = TaskParameters(["guidance": .number(number)])
        let json = try #require(ColumnJSON.parameters(parameters))
        #expect(try JSONDecoder().decode(TaskParameters.self, from: Data(json.utf8)) == parameters)
        #expect(try TaskEntry.decodeParameters(Data(json.utf8)) == parameters)
    }

    @Test func aNumberJSONCannotHoldIsLeftToTheEncoderWhichRefusesIt() throws {
        #expect(ColumnJSON.parameters(TaskParameters(["g": .number(.nan)])) == nil)
        #expect(ColumnJSON.parameters(TaskParameters(["g": .number(.infinity)])) == nil)
        #expect(throws: (any Error).self) { try self.task(["g": .number(.infinity)]).columnValues() }
    }
}
