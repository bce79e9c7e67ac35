import FluxAPI
import Foundation
import TestSupport
import Testing
@testable import FluxApp

/// Image previews in a real terminal (tmux, TERM=xterm-256color) against the built-in simulator:
/// a task runs to Ready, its detail pane shows the image, `p` fills the screen with half-blocks.
@Suite(.serialized) struct PreviewTmuxTests {
    let home = Fixtures.temporaryDirectory("flux-preview")

    func environment() -> [String: String] {
        [
            "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "FLUX_SIM_TASK_SECONDS": "1", "BFL_API_KEY": "", "TESTDK_API_KEY_HEADER": "",
            // The test runner may set NO_COLOR for its children; previews need colour.
            "NO_COLOR": "", "COLORTERM": "",
        ]
    }

    /// The app in a new tmux session of the given size, on its endpoint picker; nil (with the
    /// reason recorded) when it cannot be had.
    func startApp(_ label: String, width: Int, height: Int) async -> Tmux? {
        guard let tmux = Tmux(label: label) else { Issue.record("tmux is not installed"); return nil }
        guard tmux.start([ProcessRunner.executable("flux-tui").path], width: width, height: height, environment: environment()) else {
            Issue.record("tmux did not start")
            tmux.kill()
            return nil
        }
        let started = await tmux.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("SIMULATOR") }
        #expect(started.ok, "the app did not start:\n\(started.screen)")
        guard started.ok else { tmux.kill(); return nil }
        return tmux
    }

    @Test func aReadyTaskIsPreviewedInTheDetailPaneAndFullScreenOnP() async throws {
        defer { Fixtures.cleanup(home) }
        guard let tmux = await startApp("preview", width: 120, height: 40) else { return }
        defer { tmux.kill() }

        // flux-dev's form: the prompt is its first field.
        let index = PickerState.ordered.firstIndex { $0.id == "flux-dev" } ?? 0
        tmux.keys("g")
        for _ in 0..<index { tmux.keys("j") }
        tmux.keys("Enter")
        let opened = await tmux.wait { $0.contains("POST /v1/flux-dev ") }
        #expect(opened.ok, "form did not open:\n\(opened.screen)")
        tmux.type("a red lighthouse")
        let valid = await tmux.wait { $0.contains("✓ ready to submit") }
        #expect(valid.ok, "form not valid:\n\(valid.screen)")
        tmux.keys("C-s")

        // Ready, then the detail pane's preview replaces its placeholder with half-blocks.
        let ready = await tmux.wait(timeout: 30) { $0.contains("✓ Ready") && $0.contains("→ ") }
        #expect(ready.ok, "task did not reach Ready:\n\(ready.screen)")
        guard ready.ok else { return }
        let pane = await tmux.wait { $0.filter { $0 == "▀" }.count >= 20 && !$0.contains("loading preview…") }
        #expect(pane.ok, "no preview in the detail pane:\n\(pane.screen)")

        // p: the content area (36 rows below the title line) fills with half-blocks; the image
        // keeps its aspect ratio, so it spans every row or every column.
        tmux.keys("p")
        let full = await tmux.wait { screen in
            let rows = screen.components(separatedBy: "\n").filter { $0.filter { $0 == "▀" }.count >= 40 }
            return rows.count >= 25
        }
        #expect(full.ok, "p did not fill the screen with half-blocks:\n\(full.screen)")
        #expect(full.screen.contains("any key closes"))

        // With colours: 256-colour SGR sequences (38;5 / 48;5) on the half-block rows.
        let coloured = tmux.run(["capture-pane", "-p", "-e", "-t", tmux.session]).output
        #expect(coloured.contains("38;5;") && coloured.contains("48;5;"), "no 256-colour escapes in the capture")

        // Any key closes it; the task list is back.
        tmux.keys("Escape")
        let back = await tmux.wait { $0.contains("Tasks (1)") && !$0.contains("any key closes") }
        #expect(back.ok, "the preview did not close:\n\(back.screen)")
    }

    /// Issue 9's sizes: the detail pane's preview at 80x24, and again after the terminal grows to
    /// 200x60 (a larger box, a fresh scale), in 256 colours both times.
    @Test func theDetailPanePreviewAppearsAt80x24AndAt200x60() async throws {
        defer { Fixtures.cleanup(home) }
        guard let tmux = await startApp("preview-sizes", width: 80, height: 24) else { return }
        defer { tmux.kill() }
        // The first endpoint's form (flux-pro-1.1: the prompt is its first field).
        tmux.keys("g")
        tmux.keys("Enter")
        let opened = await tmux.wait { $0.contains("POST /v1/") }
        #expect(opened.ok, "form did not open:\n\(opened.screen)")
        tmux.type("a red lighthouse")
        tmux.keys("C-s")

        func previewRows(_ screen: String) -> [Int] {
            screen.components(separatedBy: "\n").map { $0.filter { $0 == "▀" }.count }.filter { $0 > 0 }
        }
        let small = await tmux.wait(timeout: 30) { previewRows($0).count >= 4 && !$0.contains("loading preview…") }
        #expect(small.ok, "no preview in the detail pane at 80x24:\n\(small.screen)")
        #expect(previewRows(small.screen).allSatisfy { $0 >= 8 }, "preview rows too narrow at 80x24:\n\(small.screen)")
        let colours = tmux.run(["capture-pane", "-p", "-e", "-t", tmux.session]).output
        #expect(colours.contains("38;5;") && colours.contains("48;5;"), "no 256-colour escapes at 80x24")

        _ = tmux.run(["resize-window", "-t", tmux.session, "-x", "200", "-y", "60"])
        let large = await tmux.wait { screen in
            let rows = previewRows(screen)
            return rows.count >= 10 && rows.allSatisfy { $0 >= 24 }
        }
        #expect(large.ok, "no larger preview at 200x60:\n\(large.screen)")
        let wide = tmux.run(["capture-pane", "-p", "-e", "-t", tmux.session]).output
        #expect(wide.contains("38;5;") && wide.contains("48;5;"), "no 256-colour escapes at 200x60")
    }
}
