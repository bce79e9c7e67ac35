import FluxAPI
import Foundation
import TestSupport
import Testing
import TerminalKit
@testable import FluxApp

private typealias H = AppHarness

/// File checks and Tab completion run off the loop; their answers arrive later. Keys typed in
/// between land where they would have with an instant answer, and Ctrl-S waits for the files.
@Suite struct AsyncFormTests {
    static func keys(_ state: inout AppState, _ keys: [KeyEvent]) -> [AppEffect] {
        keys.flatMap { AppUpdate.step(&state, .key($0)) }.filter { if case .loadPreview = $0 { return false } else { return true } }
    }

    @Test func keysTypedWhileATabCompletionIsUnderWayWaitForIt() throws {
        let dir = Fixtures.temporaryDirectory("async-complete")
        defer { Fixtures.cleanup(dir) }
        let archive = Fixtures.write(Data([0x50, 0x4B, 0x03, 0x04, 0, 0]), "set.zip", in: dir)
        var state = H.formState("finetune")
        H.focus("file_data", &state)
        _ = Self.keys(&state, archive.path.map { KeyEvent.char($0) })
        let effects = Self.keys(&state, [.tab] + "my set".map { KeyEvent.char($0) })
        let completion = try #require(effects.first { if case .completePath = $0 { return true } else { return false } })
        #expect(H.fieldText("file_data", state) == archive.path, "keys were typed before the completion answered")
        guard case .completePath(let target, let text) = completion else { return }
        _ = AppUpdate.step(&state, .pathCompleted(target, typed: text, PathCompletion.complete(text)))
        // The path was complete: Tab moved on, and what followed went into the next field.
        #expect(H.fieldText("file_data", state) == archive.path)
        let next = try #require(state.form?.form.focusedField?.id)
        #expect(next != "file_data")
        #expect(H.fieldText(next, state) == "my set")
        #expect(state.waitingFor == nil)
        #expect(state.keysWhileWaiting.isEmpty)
    }

    @Test func ctrlSWhileAFileIsCheckedSubmitsOnceItIsRead() throws {
        let dir = Fixtures.temporaryDirectory("async-check")
        defer { Fixtures.cleanup(dir) }
        let png = Fixtures.write(Fixtures.png(width: 64, height: 64), "p.png", in: dir)
        var state = H.formState("flux-dev")
        H.focus("prompt", &state)
        _ = Self.keys(&state, "a cat".map { KeyEvent.char($0) })
        H.focus("image_prompt", &state)
        let typed = Self.keys(&state, png.path.map { KeyEvent.char($0) })
        let checks = typed.compactMap { effect -> FileCheck? in if case .inspectFile(let c) = effect { return c } else { return nil } }
        #expect(checks.last?.path == png.path)
        #expect(H.screen(state).contains("checking the file"))
        #expect(Self.keys(&state, [.ctrl("s")]).isEmpty)
        #expect(state.screen == .form)
        // "2" right after Ctrl-S: it must not be typed into the form while the files are read.
        #expect(Self.keys(&state, [.char("2")]).isEmpty)
        #expect(H.fieldText("image_prompt", state) == png.path)
        var submitted: [AppEffect] = []
        for check in checks { submitted += AppUpdate.step(&state, .fileInspected(check, FileInspector.inspect(check))) }
        #expect(submitted.contains(.submit(H.endpoint("flux-dev"), TaskParameters(["prompt": .text("a cat"), "image_prompt": .file(png.path)]))))
        #expect(state.screen == .tasks)
        #expect(state.waitingFor == nil)
        #expect(state.keysWhileWaiting.isEmpty)
    }

    @Test func ctrlSWhileABadFileIsCheckedShowsTheProblemInstead() throws {
        let dir = Fixtures.temporaryDirectory("async-bad")
        defer { Fixtures.cleanup(dir) }
        let bad = Fixtures.write(Data("not an image".utf8), "bad.png", in: dir)
        var state = H.formState("flux-dev")
        H.focus("prompt", &state)
        _ = Self.keys(&state, "a cat".map { KeyEvent.char($0) })
        H.focus("image_prompt", &state)
        let typed = Self.keys(&state, bad.path.map { KeyEvent.char($0) })
        #expect(Self.keys(&state, [.ctrl("s")]).isEmpty)
        var after: [AppEffect] = []
        for case .inspectFile(let check) in typed { after += AppUpdate.step(&state, .fileInspected(check, FileInspector.inspect(check))) }
        #expect(!after.contains { if case .submit = $0 { return true } else { return false } })
        #expect(state.screen == .form)
        #expect(H.screen(state).contains("is not a PNG, JPEG or WebP image"))
    }
}
