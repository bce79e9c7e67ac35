import FluxAPI
import Foundation
import TaskStore
import TestSupport
import Testing
@testable import FluxApp

/// The interactive app in a real terminal (tmux), against the built-in simulator: what a newcomer
/// does with `swift run flux-tui` and no key.
@Suite(.serialized) struct AppTmuxTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var samples: URL { repo.appendingPathComponent("samples") }

    let home = Fixtures.temporaryDirectory("flux-app")

    func environment() -> [String: String] {
        [
            "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "FLUX_SIM_TASK_SECONDS": "1", "FLUX_SIM_FINETUNE_SECONDS": "1", "BFL_API_KEY": "", "TESTDK_API_KEY_HEADER": "",
        ]
    }

    func launch(_ tmux: Tmux, width: Int = 120, height: Int = 40) async -> Bool {
        guard tmux.start([ProcessRunner.executable("flux-tui").path], width: width, height: height, environment: environment()) else { return false }
        // Generous: a debug build starting under a loaded machine.
        let ready = await tmux.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("SIMULATOR") }
        #expect(ready.ok, "the app did not start:\n\(ready.screen)")
        return ready.ok
    }

    /// Opens an endpoint's form from the picker.
    func open(_ tmux: Tmux, _ endpoint: Endpoint) async {
        tmux.keys("1")
        tmux.keys("g")
        let index = PickerState.ordered.firstIndex { $0.id == endpoint.id } ?? 0
        for _ in 0..<index { tmux.keys("j") }
        tmux.keys("Enter")
        let opened = await tmux.wait { $0.contains("POST \(endpoint.path) ") }
        #expect(opened.ok, "form for \(endpoint.id) did not open:\n\(opened.screen)")
    }

    /// Fills the form field by field (Tab order is the form's: common fields, then advanced) and
    /// submits with Ctrl-S.
    func fill(_ tmux: Tmux, _ endpoint: Endpoint, _ values: [String: String]) async {
        let order = endpoint.fields.filter { !$0.advanced } + endpoint.fields.filter(\.advanced)
        for (i, field) in order.enumerated() {
            if let value = values[field.name] {
                if field.kind.choices.isEmpty && field.kind != .boolean {
                    tmux.type(value)
                } else {
                    let options = FormState.options(for: field)
                    let steps = options.firstIndex(of: value) ?? 0
                    for _ in 0..<steps { tmux.keys("Right") }
                }
            }
            if i < order.count - 1 && values.keys.contains(where: { name in order[(i + 1)...].contains { $0.name == name } }) {
                tmux.keys("Tab")
            }
        }
        let valid = await tmux.wait { $0.contains("✓ ready to submit") }
        #expect(valid.ok, "\(endpoint.id) form not valid:\n\(valid.screen)")
        tmux.keys("C-s")
        // The task list itself (the header's "Tasks (n)" shows on every screen while tasks run).
        let submitted = await tmux.wait { $0.contains("╭ Tasks (") && $0.contains("STATUS") }
        #expect(submitted.ok, "\(endpoint.id) not submitted:\n\(submitted.screen)")
    }

    @Test func pickFillSubmitWatchReadyThenFindItAfterARestart() async throws {
        guard let tmux = Tmux() else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        guard await launch(tmux) else { return }
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        await open(tmux, endpoint)
        await fill(tmux, endpoint, ["prompt": "a lighthouse at dusk", "width": "512", "height": "512"])
        let ready = await tmux.wait(timeout: 30) { $0.contains("✓ Ready") && $0.contains("→ ") }
        #expect(ready.ok, "task did not reach Ready:\n\(ready.screen)")
        // The detail pane names the seed and the output path, which exists.
        let lines = ready.screen.components(separatedBy: "\n")
        let detail = try #require(lines.first { $0.contains("flux-dev · Ready") })
        #expect(detail.range(of: #"seed \d+"#, options: .regularExpression) != nil, "\(detail)")
        let pathLine = try #require(lines.first { $0.contains("→ /") })
        let path = String(pathLine[pathLine.range(of: "→ ")!.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: " │"))
        #expect(FileManager.default.fileExists(atPath: path), "output \(path) missing")
        let stored = try TaskStore(path: home.appendingPathComponent("data/flux-tui/tasks.sqlite").path).tasks()
        #expect(stored.count == 1 && stored.first?.phase == .done)

        // Quit, start again: the task is listed.
        tmux.keys("q")
        let gone = await tmux.wait { _ in !tmux.isAlive }
        #expect(gone.ok, "q did not quit")
        tmux.kill()
        guard let again = Tmux(label: "restart") else { return }
        defer { again.kill() }
        guard await launch(again, width: 80, height: 24) else { return }
        again.keys("2")
        let listed = await again.wait { $0.contains("a lighthouse at dusk") && $0.contains("✓ Ready") }
        #expect(listed.ok, "task not listed after restart:\n\(listed.screen)")
    }

    @Test func everyOperationCanBeSubmittedFromTheUI() async throws {
        guard let tmux = Tmux(label: "all") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        guard await launch(tmux) else { return }
        let photo = Self.samples.appendingPathComponent("photo.png").path
        let mask = Self.samples.appendingPathComponent("mask.png").path
        let control = Self.samples.appendingPathComponent("control.png").path
        let zip = Self.samples.appendingPathComponent("finetune.zip").path
        func endpoint(_ id: String) -> Endpoint { EndpointRegistry.endpoint(named: id)! }

        // A fine-tune first: the five fine-tuned endpoints need its id.
        await open(tmux, endpoint("finetune"))
        await fill(tmux, endpoint("finetune"), ["file_data": zip, "finetune_comment": "e2e", "mode": "style"])
        let trained = await tmux.wait(timeout: 30) { $0.contains("✓ Ready") && $0.contains("id ") }
        #expect(trained.ok, "fine-tune did not finish:\n\(trained.screen)")
        let idLine = try #require(trained.screen.components(separatedBy: "\n").first { $0.contains("│id ") })
        let finetuneID = String(idLine.split(separator: " ")[1]).trimmingCharacters(in: CharacterSet(charactersIn: "│ "))

        let plans: [(String, [String: String])] = [
            ("flux-pro-1.1", ["prompt": "one"]), ("flux-pro", ["prompt": "two"]), ("flux-dev", ["prompt": "three"]),
            ("flux-pro-1.1-ultra", ["prompt": "four", "aspect_ratio": "1:1"]),
            ("flux-pro-1.0-fill", ["image": photo, "mask": mask, "prompt": "five"]),
            ("flux-pro-1.0-canny", ["prompt": "six", "control_image": control]),
            ("flux-pro-1.0-depth", ["prompt": "seven", "control_image": control]),
            ("flux-pro-finetuned", ["finetune_id": finetuneID, "prompt": "eight"]),
            ("flux-pro-1.0-depth-finetuned", ["finetune_id": finetuneID, "prompt": "nine", "control_image": control]),
            ("flux-pro-1.0-canny-finetuned", ["finetune_id": finetuneID, "prompt": "ten", "control_image": control]),
            ("flux-pro-1.0-fill-finetuned", ["finetune_id": finetuneID, "image": photo, "mask": mask]),
            ("flux-pro-1.1-ultra-finetuned", ["finetune_id": finetuneID, "prompt": "twelve"]),
        ] + EndpointRegistry.all.filter { !EndpointRegistry.curatedPaths.contains($0.path) }.map { generated in
            // The endpoints built from the OpenAPI document: every one takes an image to edit.
            generated.field("image") != nil ? (generated.id, ["image": photo, "top": "16"])
                                            : (generated.id, ["prompt": generated.id, "input_image": photo])
        }
        #expect(Set(plans.map(\.0) + ["finetune"]) == Set(EndpointRegistry.all.map(\.id)))
        for (id, values) in plans {
            await open(tmux, endpoint(id))
            await fill(tmux, endpoint(id), values)
        }
        tmux.keys("2")
        let total = plans.count + 1
        let done = await tmux.wait(timeout: 60) { $0.contains("Tasks (\(total))") }
        #expect(done.ok, "not all \(total) finished:\n\(done.screen)")
        tmux.keys("Enter")  // hide the detail pane: every row visible
        let all = await tmux.wait { screen in screen.components(separatedBy: "✓ Ready").count - 1 == total }
        #expect(all.ok, "not all \(total) Ready:\n\(all.screen)")
    }
}
