import FluxAPI
import FluxSimulator
import Foundation
import TaskStore
import TerminalKit
import TestSupport
import Testing
@testable import FluxApp

/// The composer and the fine-tunes screen, headless: state in, keys, state and buffer out.
@Suite struct FinetuneScreensTests {
    func screen(_ state: AppState) -> String {
        let buffer = AppView.render(state, theme: .fallback)
        return (0..<buffer.height).map(buffer.rowText).joined(separator: "\n")
    }

    func send(_ state: inout AppState, _ keys: [KeyEvent]) -> [AppEffect] {
        keys.flatMap { AppUpdate.update(&state, .key($0)) }
    }

    func dataset() -> (URL, FinetuneDataset) {
        let dir = Fixtures.temporaryDirectory("composer")
        for i in 1...3 { Fixtures.write(Fixtures.png(width: 24, height: 12), "pic \(i).png", in: dir) }
        Fixtures.write(Data("first caption".utf8), "pic 1.txt", in: dir)
        return (dir, FinetuneDataset.scan(dir))
    }

    @Test func theComposerScansListsEditsAndSubmits() throws {
        var state = AppState(server: ServerInfo(label: "sim", isSimulator: true), size: Size(width: 120, height: 40))
        _ = send(&state, [.char("3"), .char("n")])
        #expect(state.screen == .composer)
        let (dir, scanned) = dataset()
        defer { Fixtures.cleanup(dir) }
        // Typing a folder and Enter asks to scan it.
        let typed = send(&state, dir.path.map { KeyEvent.char($0) } + [.enter])
        #expect(typed == [.scanFolder(dir.path)])
        _ = AppUpdate.update(&state, .datasetScanned(scanned))
        var text = screen(state)
        #expect(text.contains("Images (3)"))
        #expect(text.contains("pic 1.png  PNG 24x12  ✓ caption"))
        #expect(text.contains("pic 2.png  PNG 24x12  ✗ no caption"))
        #expect(text.contains("only 3 images"))
        // Edit the first caption.
        #expect(state.composer.focus == .images)
        _ = send(&state, [.enter])
        #expect(screen(state).contains("Caption · pic 1.png"))
        let save = send(&state, [.end] + " edited".map { KeyEvent.char($0) } + [.ctrl("s")])
        #expect(save == [.saveCaption(folder: dir.path, image: "pic 1.png", text: "first caption edited")])
        // Submitting is blocked until the required settings are filled.
        _ = send(&state, [.tab])
        #expect(state.composer.focus == .fields)
        _ = send(&state, [.ctrl("s")])
        #expect(state.screen == .composer)
        text = screen(state)
        #expect(text.contains("is required"))
        _ = send(&state, "my set".map { KeyEvent.char($0) } + [.tab, .right])
        let submit = send(&state, [.ctrl("s")])
        guard case .submit(let endpoint, let parameters, _)? = submit.first else { Issue.record("no submit: \(submit)"); return }
        #expect(endpoint.id == "finetune")
        #expect(parameters["file_data"] == .file(dir.path))
        #expect(parameters["finetune_comment"] == .text("my set"))
        #expect(parameters["mode"] == .text("general"))
        #expect(state.screen == .tasks)
    }

    @Test func aFolderWithErrorsCannotBeSubmitted() throws {
        var state = AppState(server: ServerInfo(label: "sim", isSimulator: true), size: Size(width: 100, height: 30))
        state.screen = .composer
        let dir = Fixtures.temporaryDirectory("bad")
        defer { Fixtures.cleanup(dir) }
        Fixtures.write(Data("nope".utf8), "fake.png", in: dir)
        _ = AppUpdate.update(&state, .datasetScanned(FinetuneDataset.scan(dir)))
        state.composer.focus = .fields
        let effects = send(&state, "c".map { KeyEvent.char($0) } + [.tab, .right, .ctrl("s")])
        #expect(effects.isEmpty)
        #expect(state.screen == .composer)
        #expect(screen(state).contains("fake.png: not a PNG, JPEG or WebP image despite its name"))
    }

    @Test func theFinetunesScreenUsesDeletesAndRefreshes() throws {
        var state = AppState(server: ServerInfo(label: "sim", isSimulator: true), size: Size(width: 120, height: 40))
        let entries = [
            FinetuneEntry(id: "ft-old", comment: "dog", triggerWord: "TOK", mode: "character", statusText: "Ready",
                          createdAt: Date(timeIntervalSince1970: 100)),
            FinetuneEntry(id: "ft-new", comment: "style set", mode: "style", statusText: "Pending", progress: 0.4,
                          createdAt: Date(timeIntervalSince1970: 200)),
        ]
        _ = AppUpdate.update(&state, .finetunesLoaded(entries))
        _ = send(&state, [.char("3")])
        var text = screen(state)
        #expect(text.contains("Fine-tunes (2)"))
        #expect(text.contains("style set"))
        #expect(text.contains("40%"))
        #expect(send(&state, [.char("r")]) == [.refreshFinetunes])
        // Use the selected (newest) fine-tune: pick an endpoint, the form opens prefilled.
        _ = send(&state, [.enter])
        guard case .useFinetune(let id, let list)? = state.overlay else { Issue.record("no endpoint list"); return }
        #expect(id == "ft-new")
        #expect(list.items.map(\.id) == EndpointRegistry.all.filter(\.usesFinetune).map(\.id))
        _ = send(&state, [.enter])
        #expect(state.screen == .form)
        #expect(state.form?.parameters().0["finetune_id"] == .text("ft-new"))
        // In any form, Enter on finetune_id offers the known fine-tunes.
        state.form?.form.focus("finetune_id")
        _ = send(&state, [.enter])
        guard case .choices(_, let choices)? = state.overlay else { Issue.record("no fine-tune choices"); return }
        #expect(choices.items.map(\.title) == ["ft-new", "ft-old"])
        _ = send(&state, [.down, .enter])
        #expect(state.form?.parameters().0["finetune_id"] == .text("ft-old"))
        // Delete asks first.
        _ = send(&state, [.escape, .char("3"), .char("x")])
        guard case .confirmDelete? = state.overlay else { Issue.record("no confirmation"); return }
        #expect(send(&state, [.escape]).isEmpty)
        _ = send(&state, [.char("x")])
        text = screen(state)
        #expect(text.contains("Delete fine-tune?"))
        #expect(send(&state, [.right, .enter]) == [.deleteFinetune("ft-new")])
        _ = AppUpdate.update(&state, .finetuneDeleted("ft-new"))
        #expect(state.finetunes.ids == ["ft-old"])
    }
}

/// A fine-tune from a folder through the engine: zipped, uploaded with progress, recorded,
/// trained; an upload can be cancelled.
@Suite struct FinetuneEngineTests {
    @Test func aFolderBecomesASubmittedFinetune() async throws {
        let rig = try await TaskEngineTests.rig(taskSeconds: 0.3)
        let engine = rig.engine()
        await engine.resume()
        let dir = Fixtures.temporaryDirectory("ft-engine")
        defer { Fixtures.cleanup(dir) }
        for i in 1...5 { Fixtures.write(Fixtures.png(width: 16, height: 16), "t\(i).png", in: dir) }
        let endpoint = try #require(EndpointRegistry.endpoint(named: "finetune"))
        let created = await engine.submit(try TaskEngineTests.request(endpoint, TaskParameters([
            "file_data": .file(dir.path), "finetune_comment": .text("engine set"), "mode": .text("style")])))
        let id = created.id
        let seen = try await TaskEngineTests.collect(engine) { $0[id]?.phase == .running || $0[id]?.phase.isFinal == true }
        #expect(seen.last?.phase == .running, "\(seen.last?.error ?? "")")
        #expect(seen.contains { $0.statusText?.hasPrefix("Uploading") == true || $0.statusText?.hasPrefix("Zipping") == true })
        let remote = try #require(seen.last?.remoteID)
        #expect(try rig.store.finetunes().map(\.id) == [remote])
        #expect(try rig.store.finetunes().first?.comment == "engine set")
        #expect(try await rig.client.myFinetunes() == [remote])
        #expect(try rig.store.task(id: id)?.parameters["file_data"] == .file(dir.path))
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func aBadFolderIsRefusedWithTheProblemBeforeTheEngineSeesIt() throws {
        let dir = Fixtures.temporaryDirectory("ft-bad")
        defer { Fixtures.cleanup(dir) }
        Fixtures.write(Data("x".utf8), "a.png", in: dir)
        let prepared = RequestPreparer.prepare(try #require(EndpointRegistry.endpoint(named: "finetune")),
                                               TaskParameters(["file_data": .file(dir.path), "finetune_comment": .text("x"), "mode": .text("style")]))
        guard case .failure(.invalidInput(let issues)) = prepared else { Issue.record("a bad folder was accepted"); return }
        #expect(issues.contains { $0.field == "file_data" && $0.message.contains("a.png") })
    }

    @Test func aQueuedTaskCanBeCancelled() async throws {
        let rig = try await TaskEngineTests.rig(taskSeconds: 2)
        let engine = rig.engine(maxActive: 1)
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        _ = await engine.submit(try TaskEngineTests.request(endpoint, TaskEngineTests.parameters("first")))
        let second = await engine.submit(try TaskEngineTests.request(endpoint, TaskEngineTests.parameters("second")))
        await engine.cancel(id: second.id)
        #expect(try rig.store.task(id: second.id)?.phase == .cancelled)
        await engine.shutdown()
        await rig.shutdown()
    }
}
