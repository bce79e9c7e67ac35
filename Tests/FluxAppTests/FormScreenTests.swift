import FluxAPI
import Foundation
import TerminalKit
import TestSupport
import Testing
@testable import FluxApp

/// The parameter form: generated from the registry, validated as you type, submitted as typed values.
@Suite struct FormScreenTests {
    typealias H = AppHarness

    /// The labels in the form's label column (x = 3 onwards), with their "*" markers.
    static func labels(_ state: AppState) -> [String] {
        H.rows(state).dropFirst(2).map { row in
            String(Array(row).dropFirst(3).prefix { $0 != " " })
        }.filter { !$0.isEmpty }
    }

    // MARK: generated from the registry

    @Test(arguments: EndpointRegistry.all.map(\.id))
    func everyFieldOfTheEndpointIsALabelInTheForm(_ id: String) throws {
        let endpoint = try #require(EndpointRegistry.endpoint(named: id))
        let state = H.formState(id, width: 200, height: 60)
        let form = try #require(state.form)
        // One form field per registry field, the advanced ones last.
        #expect(Set(form.form.fields.map(\.id)) == Set(endpoint.fields.map(\.name)))
        #expect(form.form.fields.map(\.id) == endpoint.fields.filter { !$0.advanced }.map(\.name) + endpoint.fields.filter(\.advanced).map(\.name))
        let labels = Self.labels(state)
        for field in endpoint.fields {
            let label = field.name + (field.required ? "*" : "")
            #expect(labels.contains(label), "\(id): no label \(label) in \(labels)")
        }
        #expect(H.rows(state)[0].contains("› \(id)"))
        #expect(H.screen(state).contains("\(endpoint.title) · POST \(endpoint.path)"))
        #expect(H.screen(state).contains("[ Submit ]"))
    }

    @Test func requiredFieldsAreMarkedWithAStarInTheErrorColour() throws {
        let state = H.formState("flux-pro-finetuned")
        let labels = Self.labels(state)
        #expect(labels.contains("finetune_id*"))
        #expect(labels.contains("prompt"))
        #expect(!labels.contains("prompt*"))
        let buffer = H.buffer(state)
        let at = try #require(buffer.find("finetune_id*"))
        #expect(buffer[at.x + "finetune_id".count, at.y].character == "*")
        #expect(buffer[at.x + "finetune_id".count, at.y].style == Theme.fallback.style(.error))
        // An empty required field blocks submission.
        #expect(state.form?.errorCount == 1)
        #expect(H.screen(state).contains("is required"))
        #expect(H.screen(state).contains("✗ 1 problem to fix before submitting"))
    }

    @Test func placeholdersShowDefaultsAndRandomSeed() {
        let screen = H.screen(H.formState("flux-dev"))
        #expect(screen.contains("default 1024"))
        #expect(screen.contains("default 768"))
        #expect(screen.contains("random"))
        #expect(screen.contains("‹ default (jpeg) ›"))
        #expect(screen.contains("image path (Tab completes) or https:// URL"))
        #expect(screen.contains("✓ ready to submit"))
    }

    // MARK: validation as you type

    @Test func typingAWidthThatIsNotAMultipleOf32ShowsTheHint() throws {
        var state = H.formState("flux-dev")
        H.fill("width", "1000", &state)
        #expect(H.fieldText("width", state) == "1000")
        let screen = H.screen(state)
        #expect(screen.contains("must be a multiple of 32 (try 992 or 1024)"))
        #expect(screen.contains("✗ 1 problem to fix before submitting"))
        // The error sits right under the width field, with a ✗ in the label column.
        let rows = H.rows(state)
        let widthRow = try #require(rows.firstIndex { Array($0).dropFirst(3).starts(with: "width ") })
        #expect(Array(rows[widthRow])[1] == "✗")
        #expect(rows[widthRow + 1].contains("✗ must be a multiple of 32 (try 992 or 1024)"))
        // Range errors while typing, then the multiple-of hint.
        var partial = H.formState("flux-dev")
        H.fill("width", "10", &partial)
        #expect(H.screen(partial).contains("must be at least 256 (256..1440)"))
        // Fixing the value removes the error.
        H.send(&state, [.backspace, .backspace, .backspace, .backspace])
        H.type("1024", &state)
        #expect(!H.screen(state).contains("multiple of 32 (try"))
        #expect(state.form?.errorCount == 0)
        #expect(H.screen(state).contains("✓ ready to submit"))
    }

    @Test func aWordInANumberFieldIsReported() {
        var state = H.formState("flux-dev")
        H.fill("steps", "many", &state)
        #expect(H.screen(state).contains("expects a whole number, got 'many'"))
        H.fill("guidance", "x", &state)
        #expect(H.screen(state).contains("expects a number, got 'x'"))
        #expect(state.form?.errorCount == 2)
        #expect(H.screen(state).contains("✗ 2 problems to fix before submitting"))
    }

    @Test func errorsBlockCtrlSWithAToastAndFocusTheFirstError() {
        var state = H.formState("flux-dev")
        H.fill("width", "1000", &state)
        H.focus("prompt", &state)
        let effects = H.send(&state, .ctrl("s"))
        #expect(effects.isEmpty)
        #expect(!effects.contains { if case .submit = $0 { return true } else { return false } })
        #expect(state.screen == .form)
        #expect(state.form?.form.focusedField?.id == "width")
        let toast = H.toast(state) ?? ""
        #expect(toast.contains("fix 1 problem"))
        #expect(toast.contains("multiple of 32"))
        #expect(H.screen(state).contains("fix 1 problem"))
        // Two problems: plural.
        H.fill("steps", "0", &state)
        H.send(&state, .ctrl("s"))
        #expect(H.toast(state)?.contains("fix 2 problems") == true)
    }

    @Test func aValidFormSubmitsExactlyOnceWithTypedValuesAndShowsTheTasks() {
        var state = H.formState("flux-dev")
        H.fill("prompt", "a lighthouse at night", &state)
        H.fill("width", "512", &state)
        H.fill("steps", "20", &state)
        H.fill("guidance", "3.5", &state)
        H.fill("seed", "42", &state)
        H.focus("output_format", &state)
        H.send(&state, [.right, .right])  // default (jpeg) → jpeg → png
        H.focus("prompt_upsampling", &state)
        H.send(&state, .right)  // default (false) → true
        H.fill("safety_tolerance", "5", &state)
        H.focus("prompt", &state)
        let effects = H.send(&state, .ctrl("s"))
        let expected = TaskParameters([
            "prompt": .text("a lighthouse at night"), "width": .integer(512), "steps": .integer(20),
            "guidance": .number(3.5), "seed": .integer(42), "output_format": .text("png"),
            "prompt_upsampling": .boolean(true), "safety_tolerance": .integer(5),
        ])
        #expect(effects == [.submit(H.endpoint("flux-dev"), expected)])
        #expect(state.screen == .tasks)
        #expect(H.toast(state) == "Submitting flux-dev…")
        // Fields left at their default are not sent at all.
        if case .submit(_, let parameters, _)? = effects.first {
            #expect(parameters["height"] == nil)
            #expect(parameters["image_prompt"] == nil)
            #expect(parameters["webhook_url"] == nil)
        }
    }

    @Test func integerChoicesAreSentAsIntegers() {
        var state = H.formState("finetune")
        H.focus("lora_rank", &state)
        H.send(&state, .right)  // default (32) → 16
        #expect(H.parameters(state)["lora_rank"] == .integer(16))
        H.send(&state, .right)
        #expect(H.parameters(state)["lora_rank"] == .integer(32))
    }

    // MARK: preview, seed keys

    @Test func ctrlPOpensTheJSONPreviewWithTheExactKeys() throws {
        var state = H.formState("flux-dev")
        H.fill("prompt", "a cat", &state)
        H.fill("width", "512", &state)
        H.fill("seed", "7", &state)
        H.send(&state, .ctrl("p"))
        guard case .preview(let title, let lines, let offset)? = state.overlay else {
            Issue.record("no preview: \(String(describing: state.overlay))")
            return
        }
        #expect(title == "JSON body for /v1/flux-dev")
        #expect(offset == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(lines.joined(separator: "\n").utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["prompt", "width", "seed"])
        #expect(json["width"] as? Int == 512)
        let screen = H.screen(state)
        #expect(screen.contains("JSON body for /v1/flux-dev"))
        #expect(screen.contains("\"prompt\": \"a cat\""))
        #expect(screen.contains("\"width\": 512"))
        #expect(screen.contains("\"seed\": 7"))
        #expect(!screen.contains("\"height\""))
        // ↓ scrolls, any other key closes; nothing is submitted either way.
        #expect(H.send(&state, .down).isEmpty)
        if case .preview(_, _, let offset)? = state.overlay { #expect(offset == 1) } else { Issue.record("closed by ↓") }
        #expect(H.send(&state, .char("x")).isEmpty)
        #expect(state.overlay == nil)
        #expect(H.fieldText("prompt", state) == "a cat")  // the x was not typed into the form
    }

    @Test func ctrlLReusesTheLastSeedAndCtrlRClearsIt() {
        var state = H.formState("flux-dev")
        state.lastSeed = 987_654
        H.focus("prompt", &state)
        H.send(&state, .ctrl("l"))
        #expect(H.fieldText("seed", state) == "987654")
        #expect(H.parameters(state)["seed"] == .integer(987_654))
        #expect(H.screen(state).contains("987654"))
        H.focus("guidance", &state)  // on the prompt, Ctrl-R searches earlier prompts
        H.send(&state, .ctrl("r"))
        #expect(H.fieldText("seed", state) == "")
        #expect(H.parameters(state)["seed"] == nil)
        #expect(!H.screen(state).contains("987654"))
    }

    @Test func ctrlLWithoutAPreviousSeedSaysSo() {
        var state = H.formState("flux-dev")
        #expect(H.send(&state, .ctrl("l")).isEmpty)
        #expect(H.toast(state) == "Seed: reuse the last seed: no task has reported a seed yet")
        #expect(H.fieldText("seed", state) == "")
    }

    @Test func theLastSeedComesFromTheNewestTaskThatReportedOne() {
        var state = H.state()
        // Given newest first (as the store reads them): t-progress has no seed, t-failed has one.
        _ = AppUpdate.update(&state, .tasksLoaded(H.sampleTasks.sorted { $0.createdAt > $1.createdAt }))
        #expect(state.lastSeed == 2222)
        var done = H.task("t-new", prompt: "new", phase: .done, createdSecondsAgo: 5, seed: 5555)
        _ = AppUpdate.update(&state, .taskUpdated(done))
        #expect(state.lastSeed == 5555)
        done.statusText = "Ready"
        _ = AppUpdate.update(&state, .taskUpdated(done))
        #expect(state.lastSeed == 5555)
    }

    @Test
    func theLastSeedDoesNotDependOnTheOrderTasksAreLoadedIn() {
        // `load` sorts the tasks itself, so the reducer must not trust the order it is given.
        var state = H.state()
        _ = AppUpdate.update(&state, .tasksLoaded(H.sampleTasks.sorted { $0.createdAt < $1.createdAt }))
        #expect(state.tasks.all.first?.id == "t-progress")
        #expect(state.lastSeed == 2222)
    }

    // MARK: secrets, choices

    @Test func aMaskedSecretNeverAppearsOnScreen() {
        var state = H.formState("flux-dev")
        H.fill("webhook_secret", "hunter2-very-secret", &state)
        #expect(H.parameters(state)["webhook_secret"] == .text("hunter2-very-secret"))
        let screen = H.screen(state)
        #expect(!screen.contains("hunter2"))
        #expect(screen.contains(String(repeating: "•", count: "hunter2-very-secret".count)))
        // Without a webhook URL the secret is pointless: a warning, not an error.
        #expect(screen.contains("is only used together with webhook_url"))
        #expect(state.form?.errorCount == 0)
        // Nor in the JSON preview.
        H.fill("webhook_url", "https://example.com/hook", &state)
        H.send(&state, .ctrl("p"))
        let preview = H.screen(state)
        #expect(preview.contains("\"webhook_secret\": \"••••••\""))
        #expect(!preview.contains("hunter2"))
        H.send(&state, .escape)
        // Nor after a blocked submit puts a toast up.
        H.fill("width", "1", &state)
        H.send(&state, .ctrl("s"))
        #expect(!H.screen(state).contains("hunter2"))
    }

    @Test func choiceFieldsChangeWithArrowsAndSpace() {
        var state = H.formState("flux-dev")
        H.focus("output_format", &state)
        #expect(H.parameters(state)["output_format"] == nil)
        H.send(&state, .right)
        #expect(H.parameters(state)["output_format"] == .text("jpeg"))
        H.send(&state, .right)
        #expect(H.parameters(state)["output_format"] == .text("png"))
        H.send(&state, .char(" "))
        #expect(H.parameters(state)["output_format"] == .text("webp"))
        #expect(H.screen(state).contains("‹ webp ›"))
        #expect(H.screen(state).contains("4/5"))
        H.send(&state, .left)
        #expect(H.parameters(state)["output_format"] == .text("png"))
        #expect(H.screen(state).contains("‹ png ›"))
        // Past the last option ("null": an explicit JSON null) it wraps to the default.
        H.send(&state, [.right, .right])
        #expect(H.parameters(state)["output_format"] == .null)
        H.send(&state, .right)
        #expect(H.parameters(state)["output_format"] == nil)
        // The chosen value is what gets submitted.
        H.send(&state, [.right, .right])
        #expect(H.send(&state, .ctrl("s")) == [.submit(H.endpoint("flux-dev"), TaskParameters(["output_format": .text("png")]))])
    }

    @Test func enterOnAChoicePicksFromTheListOfOptions() {
        var state = H.formState("flux-dev")
        H.focus("output_format", &state)
        H.send(&state, .enter)
        guard case .choices(let field, _)? = state.overlay else {
            Issue.record("no choice list")
            return
        }
        #expect(field == "output_format")
        H.send(&state, [.down, .down, .down, .enter])  // default, jpeg, png, webp
        #expect(state.overlay == nil)
        #expect(H.parameters(state)["output_format"] == .text("webp"))
    }

    // MARK: navigation

    @Test func escReturnsToThePickerOnTheSameEndpoint() {
        var state = H.formState("flux-pro-1.0-canny")
        H.focus("prompt", &state)
        let effects = H.send(&state, .escape)
        #expect(effects.isEmpty)
        #expect(state.screen == .picker)
        #expect(state.picker.selected?.id == "flux-pro-1.0-canny")
        #expect(H.screen(state).contains("▸ flux-pro-1.0-canny"))
    }

    @Test func tabVisitsEveryFieldInOrderThenTheSubmitButton() throws {
        var state = H.formState("flux-dev")
        let order = try #require(state.form?.form.fields.map(\.id))
        var visited: [String] = []
        for _ in order {
            visited.append(try #require(state.form?.form.focusedField?.id))
            H.send(&state, .tab)
        }
        #expect(visited == order)
        #expect(order.last == "webhook_secret")
        #expect(state.form?.submitFocused == true)
        let buffer = H.buffer(state)
        let button = try #require(buffer.find("[ Submit ]"))
        #expect(buffer[button.x, button.y].style == Theme.fallback.style(.buttonFocused))
        // Shift-Tab comes back to the last field.
        H.send(&state, .backTab)
        #expect(state.form?.submitFocused == false)
        #expect(state.form?.form.focusedField?.id == "webhook_secret")
        let unfocused = H.buffer(state)
        #expect(unfocused[button.x, button.y].style == Theme.fallback.style(.button))
    }

    @Test func enterOnTheSubmitButtonSubmits() {
        var state = H.formState("flux-dev")
        H.fill("prompt", "from the button", &state)
        H.focus("webhook_secret", &state)
        #expect(H.send(&state, .tab).isEmpty)
        #expect(state.form?.submitFocused == true)
        let effects = H.send(&state, .enter)
        #expect(effects == [.submit(H.endpoint("flux-dev"), TaskParameters(["prompt": .text("from the button")]))])
        #expect(state.screen == .tasks)
    }

    @Test func typingDigitsIntoAFocusedTextFieldDoesNotSwitchScreens() {
        var state = H.formState("flux-dev")
        H.focus("seed", &state)
        let effects = H.type("12q?:", &state)
        #expect(effects.isEmpty)
        #expect(state.screen == .form)
        #expect(state.overlay == nil)
        #expect(!state.quitting)
        #expect(H.fieldText("seed", state) == "12q?:")
        // Not on a choice field either, nor on the Submit button.
        H.focus("output_format", &state)
        H.send(&state, .char("2"))
        #expect(state.screen == .form)
        H.focus("webhook_secret", &state)
        H.send(&state, [.tab, .char("2"), .char("1"), .char("q")])
        #expect(state.screen == .form)
        #expect(!state.quitting)
    }

    @Test func helpOpensWithF1InATextFieldAndQuestionMarkElsewhere() {
        var state = H.formState("flux-dev")
        H.focus("prompt", &state)
        H.type("?", &state)
        #expect(state.overlay == nil)
        #expect(H.fieldText("prompt", state) == "?")
        H.send(&state, .function(1))
        guard case .help(let help)? = state.overlay else {
            Issue.record("F1 did not open the help")
            return
        }
        #expect(help.title == "Form keys")
        H.send(&state, .escape)
        H.focus("output_format", &state)
        H.send(&state, .char("?"))
        if case .help? = state.overlay {} else { Issue.record("? on a choice did not open the help") }
    }

    // MARK: image fields

    @Test func anImageFieldShowsTheSniffedFormatAndSize() throws {
        let dir = Fixtures.temporaryDirectory("form-image")
        defer { Fixtures.cleanup(dir) }
        let png = Fixtures.write(Fixtures.png(width: 64, height: 64), "photo.png", in: dir)
        var state = H.formState("flux-dev")
        H.fill("image_prompt", png.path, &state)
        let screen = H.screen(state)
        #expect(screen.contains("✓ PNG 64x64"))
        #expect(state.form?.errorCount == 0)
        let effects = H.send(&state, .ctrl("s"))
        #expect(effects == [.submit(H.endpoint("flux-dev"), TaskParameters(["image_prompt": .file(png.path)]))])
    }

    @Test func aMissingImageFileIsAnError() {
        let dir = Fixtures.temporaryDirectory("form-missing")
        defer { Fixtures.cleanup(dir) }
        let path = dir.appendingPathComponent("not-there.png").path
        var state = H.formState("flux-dev")
        H.focus("image_prompt", &state)
        H.send(&state, .paste(path))
        #expect(H.screen(state).contains("no file at \(path)"))
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        #expect(H.toast(state)?.contains("fix 1 problem") == true)
    }

    @Test func aFileThatIsNotAnImageIsAnError() {
        let dir = Fixtures.temporaryDirectory("form-notimage")
        defer { Fixtures.cleanup(dir) }
        let text = Fixtures.write(Data("hello".utf8), "notes.png", in: dir)
        var state = H.formState("flux-dev")
        H.focus("image_prompt", &state)
        H.send(&state, .paste(text.path))
        #expect(H.screen(state).contains("is not a PNG, JPEG or WebP image"))
        #expect(state.form?.errorCount == 1)
    }

    @Test func aMaskOfAnotherSizeThanTheImageIsReported() throws {
        let dir = Fixtures.temporaryDirectory("form-mask")
        defer { Fixtures.cleanup(dir) }
        let image = Fixtures.write(Fixtures.png(width: 64, height: 64), "image.png", in: dir)
        let small = Fixtures.write(Fixtures.png(width: 32, height: 32, rgb: (255, 255, 255)), "mask-small.png", in: dir)
        let good = Fixtures.write(Fixtures.png(width: 64, height: 64, rgb: (255, 255, 255)), "mask.png", in: dir)
        var state = H.formState("flux-pro-1.0-fill")
        #expect(state.form?.errorCount == 1)  // image is required
        H.fill("image", image.path, &state)
        H.fill("mask", small.path, &state)
        let rows = H.rows(state)
        let message = "is 32x32 but the image is 64x64; they must be the same size"
        #expect(rows.contains { $0.contains(message) })
        #expect(state.form?.errorCount == 1)
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        #expect(state.form?.form.focusedField?.id == "mask")
        // The same size is fine, and both fields show what they hold.
        H.send(&state, .ctrl("u"))
        H.type(good.path, &state)
        #expect(state.form?.form["mask"]?.error == nil)
        let screen = H.rows(state).dropLast(2).joined(separator: "\n")  // the toast line still has the old message
        #expect(!screen.contains(message))
        #expect(screen.components(separatedBy: "✓ PNG 64x64").count - 1 == 2)
        #expect(H.send(&state, .ctrl("s")) == [.submit(H.endpoint("flux-pro-1.0-fill"), TaskParameters(["image": .file(image.path), "mask": .file(good.path)]))])
    }

    @Test func tabCompletesAUniqueFileNameInAnImageField() throws {
        let dir = Fixtures.temporaryDirectory("form-complete")
        defer { Fixtures.cleanup(dir) }
        Fixtures.write(Fixtures.png(width: 64, height: 64), "sunset-beach.png", in: dir)
        Fixtures.write(Data("x".utf8), "other.txt", in: dir)
        var state = H.formState("flux-dev")
        H.fill("image_prompt", dir.path + "/sun", &state)
        #expect(H.send(&state, .tab).isEmpty)
        #expect(H.fieldText("image_prompt", state) == dir.path + "/sunset-beach.png")
        #expect(state.form?.form.focusedField?.id == "image_prompt")  // Tab completed; focus stayed
        #expect(H.screen(state).contains("✓ PNG 64x64"))
        // A complete name: Tab moves on.
        H.send(&state, .tab)
        #expect(state.form?.form.focusedField?.id == "width")
    }

    @Test func tabInAnAmbiguousPathCompletesTheCommonPartThenListsTheCandidates() throws {
        let dir = Fixtures.temporaryDirectory("form-ambiguous")
        defer { Fixtures.cleanup(dir) }
        Fixtures.write(Fixtures.png(width: 8, height: 8), "sunrise.png", in: dir)
        Fixtures.write(Fixtures.png(width: 8, height: 8), "sunset.png", in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pictures"), withIntermediateDirectories: true)
        var state = H.formState("flux-dev")
        H.fill("image_prompt", dir.path + "/s", &state)
        H.send(&state, .tab)
        #expect(H.fieldText("image_prompt", state) == dir.path + "/sun")
        H.send(&state, .tab)
        #expect(H.fieldText("image_prompt", state) == dir.path + "/sun")
        #expect(state.form?.form.focusedField?.id == "image_prompt")
        #expect(H.screen(state).contains("matches: sunrise.png  sunset.png"))
        // The hint goes away with the next key.
        H.type("r", &state)
        #expect(!H.screen(state).contains("matches:"))
        // A folder completes with a trailing slash.
        H.send(&state, .ctrl("u"))
        H.type(dir.path + "/pic", &state)
        H.send(&state, .tab)
        #expect(H.fieldText("image_prompt", state) == dir.path + "/pictures/")
    }

    @Test func tabInAURLOrAnEmptyImageFieldJustMovesOn() {
        var state = H.formState("flux-dev")
        H.focus("image_prompt", &state)
        H.send(&state, .tab)
        #expect(state.form?.form.focusedField?.id == "width")
        H.fill("image_prompt", "https://example.com/a.png", &state)
        H.send(&state, .tab)
        #expect(state.form?.form.focusedField?.id == "width")
        #expect(H.parameters(state)["image_prompt"] == .url("https://example.com/a.png"))
    }
}
