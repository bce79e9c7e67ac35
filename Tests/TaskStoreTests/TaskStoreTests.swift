import Foundation
import Testing
import TestSupport
import FluxAPI
@testable import TaskStore

@Suite struct TaskStoreTests {
    func entry(_ prompt: String, phase: TaskPhase = .running, at time: Double = 0) -> TaskEntry {
        TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text(prompt), "seed": .integer(7), "width": .integer(512)]),
                  phase: phase, createdAt: Date(timeIntervalSince1970: 1_700_000_000 + time))
    }

    @Test func tasksRoundTripWithTypedParameters() throws {
        let store = try TaskStore()
        var task = entry("a lighthouse")
        task.remoteID = "remote-1"
        task.outputs = ["/out/a.jpg"]
        task.progress = 0.5
        try store.save(task)
        let loaded = try #require(try store.task(id: task.id))
        #expect(loaded == task)
        #expect(loaded.parameters["width"] == .integer(512))
        #expect(loaded.prompt == "a lighthouse")
    }

    @Test func secretsAndInlinePayloadsNeverReachTheDatabase() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let path = dir.appendingPathComponent("tasks.sqlite").path
        let store = try TaskStore(path: path)
        let task = TaskEntry(endpoint: "flux-pro-1.0-fill", parameters: TaskParameters([
            "image": .file("/in/photo.png"), "mask": .base64("QUJDREVGR0hJSktMTU5PUA=="),
            "webhook_secret": .text("PLANTED-SECRET-123"), "webhook_url": .text("https://hook.example.com"),
        ]))
        try store.save(task)
        let loaded = try #require(try store.task(id: task.id))
        #expect(loaded.parameters["webhook_secret"] == nil)
        #expect(loaded.parameters["mask"] == nil)
        #expect(loaded.parameters["image"] == .file("/in/photo.png"))
        // Grep the database files themselves for the planted values.
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            let bytes = try Data(contentsOf: dir.appendingPathComponent(file))
            #expect(bytes.range(of: Data("PLANTED-SECRET-123".utf8)) == nil, "secret found in \(file)")
            #expect(bytes.range(of: Data("QUJDREVGR0hJSktMTU5PUA".utf8)) == nil, "payload found in \(file)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func listsNewestFirstAndHidesRemovedTasks() throws {
        let store = try TaskStore()
        let old = entry("old", at: 0), new = entry("new", at: 10), mid = entry("mid", at: 5)
        try store.save([old, new, mid])
        #expect(try store.tasks().map(\.prompt) == ["new", "mid", "old"])
        try store.hide(id: mid.id)
        #expect(try store.tasks().map(\.prompt) == ["new", "old"])
        #expect(try store.tasks(includeHidden: true).count == 3)
    }

    @Test func aSaveNeverBringsBackARemovedTask() throws {
        let store = try TaskStore()
        var task = entry("removed while running")
        try store.save(task)
        try store.hide(id: task.id)
        task.phase = .done
        try store.save(task)
        #expect(try store.task(id: task.id)?.hidden == true)
        #expect(try store.task(id: task.id)?.phase == .done)
        #expect(try store.tasks().isEmpty)
    }

    @Test func activeTasksAreTheOnesToResume() throws {
        let store = try TaskStore()
        try store.save([entry("q", phase: .queued, at: 1), entry("r", phase: .running, at: 2), entry("d", phase: .done, at: 3),
                        entry("u", phase: .uncertain, at: 4), entry("dl", phase: .downloading, at: 5)])
        #expect(try store.activeTasks().tasks.map(\.prompt) == ["q", "r", "dl"])
        // A removed task is not resumed.
        try store.hide(id: try #require(try store.activeTasks().tasks.first).id)
        #expect(try store.activeTasks().tasks.map(\.prompt) == ["r", "dl"])
    }

    @Test func aFileStoreSurvivesReopeningAndUsesWAL() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let path = dir.appendingPathComponent("sub/tasks.sqlite").path
        let task = entry("persisted")
        do {
            let store = try TaskStore(path: path)
            try store.save(task)
        }
        let reopened = try TaskStore(path: path)
        #expect(try reopened.task(id: task.id)?.prompt == "persisted")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func tenThousandTasksLoad() throws {
        let store = try TaskStore()
        try store.save((0..<10_000).map { entry("task \($0)", phase: .done, at: Double($0)) })
        let all = try store.tasks()
        #expect(all.count == 10_000)
        #expect(all.first?.prompt == "task 9999")
    }

    @Test func finetunesRoundTrip() throws {
        let store = try TaskStore()
        // Whole seconds: SQLite keeps dates to the millisecond.
        let ft = FinetuneEntry(id: "ft-1", comment: "my dog", triggerWord: "TOK", mode: "character",
                               createdAt: Date(timeIntervalSince1970: 1_700_000_000), details: .object(["iterations": .int(300)]))
        try store.save(ft)
        let loaded = try store.finetunes()
        #expect(loaded == [ft], "\(loaded) vs \(ft)")
        try store.deleteFinetune(id: "ft-1")
        #expect(try store.finetunes().isEmpty)
    }
}
