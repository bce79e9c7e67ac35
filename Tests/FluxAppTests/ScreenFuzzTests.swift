import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import TestSupport
import Testing
@testable import FluxApp

/// Bad input for the interactive app (tracker issue 8): every screen and overlay drawn at terminal
/// sizes from 1x1 to 400x150, through bursts of resizes and random keys, with hostile text in
/// tasks and forms. At every step the drawn screen must look right to a person: nothing off the
/// edge or cut in half, every box closed, the status bar on the last row, and below 80x24 the
/// "too small" notice (`ScreenChecks`).
@Suite struct ScreenFuzzTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["FLUX_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5C_4EE7

    static let nasty = [
        "👩‍👩‍👧‍👦 family 写真を撮る e\u{301}te\u{301} \u{202E}txet desrever\u{202C} \u{200B}zero\u{200B}width",
        String(repeating: "全角", count: 300), "tab\there\nnew line\r\u{1B}[31mred\u{1B}[0m \u{7}bell", "",
        String(repeating: "a", count: 5_000), "\u{FE0F}\u{20E3}\u{1F3FB}", "ﷺ ﷽", "ZWJ\u{200D}\u{200D}\u{200D}",
    ]

    /// Tasks in every phase, with long and odd text everywhere it can appear.
    static func tasks() -> [TaskEntry] {
        let base = Date(timeIntervalSince1970: 1_767_225_600)
        var out: [TaskEntry] = []
        for (index, phase) in TaskPhase.allCases.enumerated() {
            let endpoint = EndpointRegistry.all[index % EndpointRegistry.all.count]
            let text = nasty[index % nasty.count]
            var parameters = TaskParameters(["prompt": .text(text), "seed": .integer(Int.max)])
            parameters["webhook_secret"] = .text("hunter2")
            parameters["image"] = .file("/very/long/" + String(repeating: "dir/", count: 60) + "写真 📷.png")
            out.append(TaskEntry(
                id: "local-\(index)", remoteID: index % 3 == 0 ? nil : "remote-\(index)-" + String(repeating: "x", count: index * 20),
                endpoint: endpoint.id, parameters: parameters, phase: phase, statusText: index % 2 == 0 ? text : phase.rawValue,
                progress: [nil, 0, 0.5, 1, 0.999][index % 5], seed: index % 2 == 0 ? Int.min : Int.max,
                cost: [nil, 0, 1e300, -1][index % 4], createdAt: base.addingTimeInterval(Double(-index) * 1e6),
                submittedAt: index % 2 == 0 ? base.addingTimeInterval(1e9) : nil, finishedAt: base,
                error: index % 2 == 0 ? text : nil,
                outputs: index % 3 == 0 ? [] : ["/out/" + String(repeating: "long-", count: 40) + "\(index).jpg", "/out/second.png"]))
        }
        for index in 0..<250 {
            out.append(TaskEntry(id: "bulk-\(index)", endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("bulk \(index)")]),
                                 phase: .running, createdAt: base.addingTimeInterval(Double(index))))
        }
        return out
    }

    /// One state per screen and overlay worth drawing.
    static func screens() -> [(String, AppState)] {
        var out: [(String, AppState)] = []
        var base = AppState(server: ServerInfo(label: nasty[0], isSimulator: true, credits: 1e300), size: Size(width: 120, height: 40),
                            now: Date(timeIntervalSince1970: 1_767_225_600))
        base.lastError = nasty[1]
        base.toast(nasty[2], .error)
        out.append(("picker", base))
        var filtering = base
        _ = AppUpdate.update(&filtering, .key(.char("/")))
        for c in "zzz nothing 写" { _ = AppUpdate.update(&filtering, .key(.char(c))) }
        out.append(("picker filtered to nothing", filtering))

        for endpoint in EndpointRegistry.all {
            var form = base
            form.form = FormState(endpoint: endpoint)
            form.screen = .form
            if let first = endpoint.fields.first(where: { $0.kind == .text || $0.kind == .image }) {
                form.form?.setText(nasty[0] + nasty[3], for: first.name)
            }
            if endpoint.field("webhook_secret") != nil { form.form?.setText("planted-secret", for: "webhook_secret") }
            out.append(("form \(endpoint.id)", form))
            guard ["flux-dev", "flux-pro-1.0-fill", "finetune"].contains(endpoint.id) else { continue }
            var submitFocused = form
            submitFocused.form?.submitFocused = true
            submitFocused.form?.completionHint = String(repeating: "candidate ", count: 100)
            out.append(("form \(endpoint.id) submit focused", submitFocused))
        }
        var preview = out.first { $0.0 == "form flux-pro-1.0-fill" }!.1
        _ = AppUpdate.update(&preview, .key(.ctrl("p")))
        out.append(("preview overlay", preview))

        var tasks = base
        tasks.screen = .tasks
        _ = AppUpdate.update(&tasks, .tasksLoaded(Self.tasks()))
        out.append(("tasks", tasks))
        for (name, key) in [("tasks detail hidden", KeyEvent.enter), ("tasks end", .end), ("tasks help", .char("?")),
                            ("tasks palette", .char(":")), ("tasks quit dialog", .char("q"))] {
            var s = tasks
            _ = AppUpdate.update(&s, .key(key))
            out.append((name, s))
        }
        var copy = tasks
        _ = AppUpdate.update(&copy, .key(.down))
        _ = AppUpdate.update(&copy, .key(.char("y")))
        out.append(("copy menu", copy))
        var filtered = tasks
        _ = AppUpdate.update(&filtered, .key(.char("/")))
        _ = AppUpdate.update(&filtered, .key(.paste(nasty[0])))
        out.append(("tasks filtered", filtered))
        var empty = base
        empty.screen = .tasks
        out.append(("tasks empty", empty))
        var pickerHelp = base
        _ = AppUpdate.update(&pickerHelp, .key(.function(1)))
        out.append(("picker help", pickerHelp))
        var pickerPalette = base
        _ = AppUpdate.update(&pickerPalette, .key(.char(":")))
        out.append(("picker palette", pickerPalette))

        // Overlays reached the way a person reaches them: a choice list from a form field, the
        // full-screen image preview, and the fine-tune screens with their dialogs.
        var choices = out.first { $0.0 == "form flux-dev" }!.1
        AppHarness.focus("output_format", &choices)
        _ = AppUpdate.update(&choices, .key(.enter))
        out.append(("form choice list", choices))
        var imagePreview = tasks
        let done = tasks.tasks.all.firstIndex { $0.phase == .done && !$0.outputs.isEmpty }
        for _ in 0..<(done ?? 0) { _ = AppUpdate.update(&imagePreview, .key(.down)) }
        _ = AppUpdate.update(&imagePreview, .key(.char("p")))
        out.append(("image preview", imagePreview))
        // A batch's contact sheet, its tasks among the others.
        var sheet = tasks
        for task in ContactSheetScreenTests.batchTasks().1 { _ = AppUpdate.update(&sheet, .taskUpdated(task)) }
        _ = ContactSheetActions.openSheet(&sheet, batchID: "batch-1234abcd")
        out.append(("contact sheet", sheet))
        var finetunes = base
        _ = AppUpdate.update(&finetunes, .finetunesLoaded(Self.finetunes()))
        _ = AppUpdate.update(&finetunes, .key(.char("3")))
        out.append(("finetunes", finetunes))
        for (name, key) in [("finetunes delete dialog", KeyEvent.char("x")), ("finetunes use list", .enter),
                            ("composer", .char("n"))] {
            var s = finetunes
            _ = AppUpdate.update(&s, .key(key))
            out.append((name, s))
        }
        return out
    }

    /// Fine-tunes with long and odd text, in training and ready.
    static func finetunes() -> [FinetuneEntry] {
        let base = Date(timeIntervalSince1970: 1_767_225_600)
        return nasty.enumerated().map { index, text in
            FinetuneEntry(id: "ft-\(index)-" + String(repeating: "x", count: index * 30), comment: text, triggerWord: text,
                          mode: ["general", "character", "style", "product"][index % 4], statusText: index % 2 == 0 ? "Ready" : text,
                          progress: index % 2 == 0 ? nil : 0.5, createdAt: base.addingTimeInterval(Double(index)))
        }
    }

    static func render(_ state: AppState, _ label: String) {
        let buffer = AppView.render(state, theme: .fallback)
        #expect(buffer.width == state.size.width && buffer.height == state.size.height, "\(label) at \(state.size)")
        let problems = ScreenChecks.problems(buffer, state, theme: .fallback)
        #expect(problems.isEmpty, "\(label) at \(state.size): \(problems.prefix(3))\n\(buffer.text)")
    }

    /// Sizes: a spread of tiny ones, the edges around the 80x24 minimum, the largest, and a seeded sample.
    static func sizes() -> [Size] {
        var rng = SeededRandom(seed: seed)
        var sizes: [Size] = []
        for w in [1, 2, 3, 5, 8, 13] { for h in [1, 2, 3, 5, 8, 13] { sizes.append(Size(width: w, height: h)) } }
        for w in [1, 40, 79, 80, 81, 400] { for h in [1, 23, 24, 25, 150] { sizes.append(Size(width: w, height: h)) } }
        // Degenerate sizes a terminal can report while it is being set up or squeezed.
        sizes += [Size(width: 0, height: 0), Size(width: 0, height: 24), Size(width: 80, height: 0)]
        for _ in 0..<12 { sizes.append(Size(width: Int.random(in: 1...400, using: &rng), height: Int.random(in: 1...150, using: &rng))) }
        return sizes
    }

    /// The fuzz only means something if the keys really opened what the labels say.
    @Test func theKeysOpenEveryOverlayTheFuzzDraws() {
        let screens = Dictionary(Self.screens(), uniquingKeysWith: { first, _ in first })
        for name in ["preview overlay", "tasks help", "tasks palette", "tasks quit dialog", "copy menu", "picker help",
                     "picker palette", "form choice list", "image preview", "finetunes delete dialog", "finetunes use list"] {
            #expect(screens[name]?.overlay != nil, "\(name): no overlay is up")
        }
        #expect(screens["composer"]?.screen == .composer)
        #expect(screens["finetunes"]?.screen == .finetunes)
    }

    @Test func everyScreenDrawsAtEverySizeFrom1x1To400x150() {
        let sizes = Self.sizes()
        for (label, screen) in Self.screens() {
            for size in sizes {
                var state = screen
                _ = AppUpdate.update(&state, .key(.resize(width: size.width, height: size.height)))
                Self.render(state, label)
            }
        }
    }

    @Test func rapidResizesAndRandomKeysOnEveryScreen() {
        var rng = SeededRandom(seed: Self.seed &+ 1)
        let keys: [KeyEvent] = [.up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .tab, .backTab, .enter, .escape,
                                .backspace, .delete, .char("j"), .char("k"), .char("/"), .char("?"), .char(":"), .char("2"),
                                .char("1"), .char("y"), .char("x"), .char("e"), .char("d"), .char("q"), .char(" "), .char("é"),
                                .ctrl("p"), .ctrl("l"), .ctrl("r"), .function(1), .paste(Self.nasty[0]), .paste(Self.nasty[4]),
                                .mouse(MouseEvent(kind: .scrollDown, position: Point(x: 5, y: 5)))]
        for (label, screen) in Self.screens() {
            var state = screen
            for step in 0..<60 {
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    let size = Size(width: Int.random(in: 1...400, using: &rng), height: Int.random(in: 1...150, using: &rng))
                    _ = AppUpdate.update(&state, .key(.resize(width: size.width, height: size.height)))
                } else {
                    // Effects (submit, quit, ...) are ignored: only the state and its drawing matter here.
                    _ = AppUpdate.update(&state, .key(keys.randomElement(using: &rng)!))
                }
                if step % 2 == 0 { Self.render(state, "\(label) step \(step)") }
            }
            // A burst of resizes with no draw in between, then one draw: the last size wins.
            for _ in 0..<50 {
                _ = AppUpdate.update(&state, .key(.resize(width: Int.random(in: 1...400, using: &rng), height: Int.random(in: 1...150, using: &rng))))
            }
            _ = AppUpdate.update(&state, .key(.resize(width: 81, height: 25)))
            Self.render(state, "\(label) after a burst")
            #expect(state.size == Size(width: 81, height: 25))
        }
    }

    @Test func theWebhookSecretIsNeverDrawnInClear() {
        // In the form it is bullets; in the task list's detail pane it is hidden too.
        let secret = "planted-webhook-secret-4711"
        for (label, screen) in Self.screens() {
            for size in [Size(width: 120, height: 40), Size(width: 400, height: 150), Size(width: 80, height: 24)] {
                var state = screen
                _ = AppUpdate.update(&state, .key(.resize(width: size.width, height: size.height)))
                if state.screen == .form, state.form?.endpoint.field("webhook_secret") != nil {
                    state.form?.setText(secret, for: "webhook_secret")
                }
                var tasks = state.tasks.all
                for i in tasks.indices where tasks[i].parameters["webhook_secret"] != nil { tasks[i].parameters["webhook_secret"] = .text(secret) }
                state.tasks.load(tasks)
                let buffer = AppView.render(state, theme: .fallback)
                let text = (0..<buffer.height).map { buffer.rowText($0) }.joined(separator: "\n")
                #expect(!text.contains(secret), "\(label) at \(size) shows the webhook secret")
                #expect(!text.contains("hunter2"), "\(label) at \(size) shows a stored webhook secret")
                // Text from tasks (server statuses, errors) carries escapes; none reaches the terminal.
                #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) },
                        "\(label) at \(size) draws a control character")
            }
        }
    }

    @Test func formsTakeOddAndHostileImagePathsWithAMessage() throws {
        let dir = Fixtures.temporaryDirectory("odd form paths")
        defer { Fixtures.cleanup(dir) }
        let png = Fixtures.png(width: 16, height: 16)
        var good: [String] = []
        for name in ["my photo.png", "写真 📷.png", "-rf.png", "..png", "@at.png", "$(touch x).png"] {
            good.append(Fixtures.write(png, name, in: dir).path)
        }
        let notImage = Fixtures.write(Data("text".utf8), "notes.png", in: dir).path
        // A single-line field cannot hold a newline, so such a name is simply not found.
        let newline = Fixtures.write(png, "new\nline.png", in: dir).path
        let bad = [notImage, newline, dir.path, dir.path + "/..", "..", "~", "/dev/zero", "", " ", "\u{0}", Self.nasty[5], "/nonexistent/x.png"]
        let fill = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.0-fill"))
        for path in good + bad {
            var form = FormState(endpoint: fill)
            form.setText(path, for: "image")
            form.checkFiles()
            let imageErrors = form.issues.filter { $0.field == "image" && $0.severity == .error }
            if good.contains(path) {
                #expect(imageErrors.isEmpty, "\(path): \(imageErrors)")
                #expect(form.images["image"]?.width == 16, "\(path)")
            } else {
                #expect(!imageErrors.isEmpty && imageErrors.allSatisfy { !$0.message.isEmpty }, "\(path) accepted")
            }
            var buffer = ScreenBuffer(size: Size(width: 100, height: 30))
            form.render(into: &buffer, in: Rect(x: 0, y: 0, width: 100, height: 30), theme: .fallback)
            _ = PathCompletion.complete(path)
        }
        var form = FormState(endpoint: fill)
        form.setText(notImage, for: "image")
        form.checkFiles()
        #expect(form.issues.contains { $0.field == "image" && $0.message.contains("is not a PNG, JPEG or WebP image") })
    }
}
