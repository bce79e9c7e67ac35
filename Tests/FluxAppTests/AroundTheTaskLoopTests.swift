import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import TestSupport
import Testing
@testable import FluxApp

/// Issue 17 through the whole app loop (AppRunner on a headless terminal, a real engine and store):
/// a rerun is stored with its parent, and "Export tasks…" writes the file it names.
@Suite(.serialized) struct AroundTheTaskLoopTests {
    typealias Rig = EffectsOffTheLoopTests.Rig

    static func storedTask(_ id: String, prompt: String, secondsAgo: Double) -> TaskEntry {
        TaskEntry(id: id, remoteID: "remote-\(id)", endpoint: "flux-dev",
                  parameters: TaskParameters(["prompt": .text(prompt), "width": .integer(512), "height": .integer(512)]),
                  phase: .done, statusText: "Ready", seed: 42, createdAt: Date().addingTimeInterval(-secondsAgo),
                  finishedAt: Date().addingTimeInterval(-secondsAgo + 5))
    }

    @Test func aRerunIsStoredWithItsParentAndTheDetailPaneShowsIt() async throws {
        let server = try await ScriptedHTTPServer.start { request, _ in
            if request.method == "POST" { return .json(200, #"{"id":"remote-child","polling_url":""}"#) }
            return .json(200, #"{"id":"remote-child","status":"Pending","progress":0.1}"#)
        }
        let dir = Fixtures.temporaryDirectory("lineage-loop")
        let store = try TaskStore(path: dir.appendingPathComponent("tasks.sqlite").path)
        try store.save(Self.storedTask("parent-1", prompt: "a quiet harbour", secondsAgo: 60))
        let rig = try Rig(server: server.baseURL, store: store, dir: dir)

        rig.backend.send(.char("2"))
        #expect(await rig.waitForScreen { $0.contains("a quiet harbour") } != nil)
        rig.backend.send(.char("R"))
        var child: TaskEntry?
        let deadline = Date().addingTimeInterval(10)
        while child == nil, Date() < deadline {
            child = try store.tasks().first { $0.id != "parent-1" }
            if child == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(child?.parentID == "parent-1")
        // The new task is on top; selecting it shows where it came from.
        rig.backend.send(.char("k"))
        #expect(await rig.waitForScreen { $0.contains("↰ from parent-1 (flux-dev):") } != nil)

        await rig.stop()
        await server.shutdown()
        Fixtures.cleanup(dir)
    }

    @Test func exportTasksFromThePaletteWritesTheFileItNames() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(404, #"{"detail":"Not Found"}"#) }
        let dir = Fixtures.temporaryDirectory("export-loop")
        let store = try TaskStore(path: dir.appendingPathComponent("tasks.sqlite").path)
        try store.save([Self.storedTask("t-one", prompt: "first", secondsAgo: 120), Self.storedTask("t-two", prompt: "second", secondsAgo: 60)])
        let outputs = dir.appendingPathComponent("outputs")
        let rig = try Rig(server: server.baseURL, store: store, dir: outputs)

        rig.backend.send(.char(":"))
        rig.backend.send("export tasks".map { KeyEvent.char($0) })
        #expect(await rig.waitForScreen { $0.contains("Export tasks…") } != nil)
        rig.backend.send(.enter)
        #expect(await rig.waitForScreen { $0.contains("JSON Lines") && $0.contains("Markdown") } != nil)
        rig.backend.send(.enter)
        let screen = await rig.waitForScreen { $0.contains("Exported 2 tasks to") }
        #expect(screen != nil, "no notice of the export")
        let files = try FileManager.default.contentsOfDirectory(atPath: outputs.path).filter { $0.hasPrefix("flux-tui-tasks-") }
        #expect(files.count == 1 && files.first?.hasSuffix(".jsonl") == true)
        if let name = files.first {
            let text = try String(contentsOf: outputs.appendingPathComponent(name), encoding: .utf8)
            let ids = try text.split(separator: "\n").map { try JSONValue.parse(Data($0.utf8))["id"]?.stringValue }
            #expect(ids == ["t-one", "t-two"])
        }

        await rig.stop()
        await server.shutdown()
        Fixtures.cleanup(dir)
    }
}
