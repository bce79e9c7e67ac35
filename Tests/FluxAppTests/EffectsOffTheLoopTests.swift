import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import TestSupport
import Testing
@testable import FluxApp

/// The whole app loop (AppRunner on a headless terminal) while the network or a desktop tool is
/// slow: a key press still gets its frame, because every effect runs off the loop.
@Suite(.serialized) struct EffectsOffTheLoopTests {
    struct Rig {
        let backend = HeadlessBackend(size: Size(width: 120, height: 40))
        let runner: AppRunner
        let engine: TaskEngine
        let client: FluxClient
        let run: Task<Void, Never>

        init(server: URL, store: TaskStore, dir: URL) throws {
            client = try FluxClient(ClientConfiguration(serverURL: server, apiKey: APIKey("loop-test"),
                                                        retryPolicy: RetryPolicy(initialInterval: 0.2, maxElapsed: 300)))
            engine = TaskEngine(client: client, store: store, settings: TaskEngine.Settings(outputDirectory: dir))
            runner = AppRunner(backend: backend, engine: engine, store: store, client: client, theme: .fallback,
                               server: ServerInfo(label: "slow", isSimulator: false))
            let runner = self.runner
            run = Task { await runner.run() }
        }

        /// The screen as text once `condition` holds for it; nil after `seconds`.
        func waitForScreen(seconds: Double = 5, _ condition: (String) -> Bool) async -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let frame = backend.lastFrame {
                    let text = (0..<frame.height).map { frame.rowText($0) }.joined(separator: "\n")
                    if condition(text) { return text }
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        func stop() async {
            backend.shutdown()
            await run.value
            await engine.shutdown()
            await client.shutdown()
        }
    }

    @Test func keysAreAnsweredWhileTheServerNeverAnswers() async throws {
        // Every call waits far longer than the test: before, deleting a fine-tune awaited the
        // network (with a 300 s retry budget) on the loop and froze every key behind it.
        let server = try await ScriptedHTTPServer.start { _, _ in .delayed(seconds: 8, .json(200, "{}")) }
        let dir = Fixtures.temporaryDirectory("loop")
        let store = try TaskStore(path: dir.appendingPathComponent("tasks.sqlite").path)
        try store.save(FinetuneEntry(id: "ft-slow", comment: "slow one", statusText: "Ready"))
        let rig = try Rig(server: server.baseURL, store: store, dir: dir)

        rig.backend.send(.char("3"))
        #expect(await rig.waitForScreen { $0.contains("slow one") } != nil)
        rig.backend.send([.char("x"), .right, .enter])
        #expect(await rig.waitForScreen { $0.contains("Deleting fine-tune ft-slow") } != nil,
                "no progress shown while the delete is under way")
        rig.backend.send(.char("2"))
        let tasks = await rig.waitForScreen(seconds: 3) { $0.contains("Tasks (0") }
        #expect(tasks != nil, "the key that switches to the task list got no frame while the server was silent")
        #expect(tasks?.contains("Deleting fine-tune ft-slow") == true)

        await rig.stop()
        await server.shutdown()
        Fixtures.cleanup(dir)
    }

    @Test func keysAreAnsweredWhileTheClipboardToolHangs() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(404, #"{"detail":"Not Found"}"#) }
        let dir = Fixtures.temporaryDirectory("clipboard")
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let tool = bin.appendingPathComponent("xclip")
        try "#!/bin/sh\ncat >/dev/null\nsleep 4\n".write(to: tool, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool.path)
        let oldPath = ProcessInfo.processInfo.environment["PATH"]
        let oldDisplay = ProcessInfo.processInfo.environment["DISPLAY"]
        setenv("PATH", bin.path + ":/usr/bin:/bin", 1)
        setenv("DISPLAY", ":99", 1)
        defer {
            if let oldPath { setenv("PATH", oldPath, 1) } else { unsetenv("PATH") }
            if let oldDisplay { setenv("DISPLAY", oldDisplay, 1) } else { unsetenv("DISPLAY") }
        }
        let store = try TaskStore(path: dir.appendingPathComponent("tasks.sqlite").path)
        try store.save(TaskEntry(remoteID: "r-1", endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("a copied seed")]),
                                 phase: .done, seed: 4242))
        let rig = try Rig(server: server.baseURL, store: store, dir: dir)

        rig.backend.send(.char("2"))
        #expect(await rig.waitForScreen { $0.contains("a copied seed") } != nil)
        rig.backend.send([.char("y"), .enter])  // copy the seed: xclip takes 4 s
        rig.backend.send(.char("1"))
        #expect(await rig.waitForScreen(seconds: 2) { $0.contains("Endpoints") && $0.contains("flux-dev") && !$0.contains("a copied seed") } != nil,
                "the key after a copy waited for the clipboard tool")
        #expect(await rig.waitForScreen(seconds: 8) { $0.contains("Copied seed 4242 via xclip") } != nil)

        await rig.stop()
        await server.shutdown()
        Fixtures.cleanup(dir)
    }
}
