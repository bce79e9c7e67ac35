import FluxAPI
import FluxSimulator
import Foundation
import GRDB
import TaskStore
import TestSupport
import Testing
import TerminalKit
@testable import FluxApp

/// Problems in the background (the store failing) are told on `problems`, one line each, and do
/// not stop the engine.
@Suite struct EngineProblemsTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static func listening(_ engine: TaskEngine) -> Lines {
        let lines = Lines()
        let notices = engine.notices
        Task { for await notice in notices where notice.kind == .problem { lines.add(notice.message) } }
        return lines
    }

    /// Makes every write of a task fail the way a full disk would, through a second connection.
    static func failTaskWrites(_ path: String, _ failing: Bool) throws {
        let db = try DatabaseQueue(path: path)
        try db.write { db in
            if failing {
                try db.execute(sql: """
                    CREATE TRIGGER full_insert BEFORE INSERT ON task BEGIN SELECT RAISE(ABORT, 'disk full'); END;
                    CREATE TRIGGER full_update BEFORE UPDATE ON task BEGIN SELECT RAISE(ABORT, 'disk full'); END;
                    """)
            } else {
                try db.execute(sql: "DROP TRIGGER full_insert; DROP TRIGGER full_update;")
            }
        }
    }

    @Test func aStoreThatCannotWriteIsToldAndTheTaskStillRuns() async throws {
        let rig = try await TaskEngineTests.rig()
        let path = rig.dir.appendingPathComponent("tasks.sqlite").path
        try Self.failTaskWrites(path, true)
        let engine = rig.engine()
        let problems = Self.listening(engine)
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let id = await engine.submit(try TaskEngineTests.request(endpoint, TaskEngineTests.parameters("unsaved"))).id
        let seen = try await TaskEngineTests.collect(engine) { $0[id]?.phase.isFinal == true }
        #expect(seen.last?.phase == .done, "\(seen.last?.error ?? "")")
        #expect(problems.all.contains("could not save task \(id.prefix(8))…: disk full"), "\(problems.all)")
        #expect(try rig.store.task(id: id) == nil)
        // The store writes again: so does the engine.
        try Self.failTaskWrites(path, false)
        let next = await engine.submit(try TaskEngineTests.request(endpoint, TaskEngineTests.parameters("saved"))).id
        _ = try await TaskEngineTests.collect(engine) { $0[next]?.phase.isFinal == true }
        #expect(try rig.store.task(id: next)?.phase == .done)
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func theAppShowsAStoreProblemInTheStatusBar() async throws {
        let rig = try await TaskEngineTests.rig()
        let path = rig.dir.appendingPathComponent("tasks.sqlite").path
        try rig.store.save(TaskEntry(id: "stuck-queued-1", endpoint: "flux-dev", parameters: TaskEngineTests.parameters("queued"), phase: .queued))
        try Self.failTaskWrites(path, true)
        let engine = rig.engine()
        let backend = HeadlessBackend(size: Size(width: 160, height: 30))
        let runner = AppRunner(backend: backend, engine: engine, store: rig.store, client: rig.client, theme: .fallback,
                               server: ServerInfo(label: "sim", isSimulator: true))
        let run = Task { await runner.run() }
        var statusBar = ""
        for _ in 0..<200 {
            if let frame = backend.lastFrame { statusBar = frame.rowText(frame.height - 1) }
            if statusBar.contains("could not save task stuck-qu…: disk full") { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(statusBar.contains("✗ could not save task stuck-qu…: disk full"), "\(statusBar)")
        try Self.failTaskWrites(path, false)
        backend.shutdown()
        await run.value
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func aRowThatCannotBeReadIsToldAndTheOthersResume() async throws {
        let rig = try await TaskEngineTests.rig()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let good = TaskEntry(endpoint: endpoint.id, parameters: TaskEngineTests.parameters("readable"), phase: .queued)
        try rig.store.save(good)
        let db = try DatabaseQueue(path: rig.dir.appendingPathComponent("tasks.sqlite").path)
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO task (id, endpoint, parameters, phase, createdAt, updatedAt, outputs, hidden)
                VALUES ('damaged-row-1', 'flux-dev', '{"prompt": ', 'queued', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', '[]', 0)
                """)
        }
        let engine = rig.engine()
        let problems = Self.listening(engine)
        let finished = Task { try await TaskEngineTests.collect(engine) { $0[good.id]?.phase.isFinal == true } }
        await engine.resume()
        #expect(try await finished.value.last?.phase == .done)
        let told = try #require(problems.all.first, "nothing was told")
        #expect(told.hasPrefix("task damaged-… could not be read, so it was not resumed: malformed JSON"), "\(told)")
        await engine.shutdown()
        await rig.shutdown()
    }
}
