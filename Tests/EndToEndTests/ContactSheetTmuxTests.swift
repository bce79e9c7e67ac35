import FluxAPI
import Foundation
import TestSupport
import Testing

/// The contact sheet in a real terminal (tmux): a batch already in the task database, `g` on one
/// of its tasks, thumbnails, moving, `p`, Enter.
@Suite(.serialized) struct ContactSheetTmuxTests {
    let home = Fixtures.temporaryDirectory("flux-sheet-app")

    func environment() -> [String: String] {
        [
            "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "BFL_API_KEY": "", "TESTDK_API_KEY_HEADER": "", "NO_COLOR": "", "COLORTERM": "",
        ]
    }

    @Test func gOnABatchTaskShowsItsSheet() async throws {
        defer { Fixtures.cleanup(home) }
        try SheetFixtures.batch("7ab1e000-0000-4000-8000-000000000001", home: home)
        guard let tmux = Tmux(label: "sheet") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill() }
        guard tmux.start([ProcessRunner.executable("flux-tui").path], width: 120, height: 40, environment: environment()) else {
            Issue.record("tmux did not start")
            return
        }
        let started = await tmux.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("SIMULATOR") }
        #expect(started.ok, "the app did not start:\n\(started.screen)")
        guard started.ok else { return }
        tmux.keys("2")
        let list = await tmux.wait { $0.contains("Tasks (4") && $0.contains("a red square") }
        #expect(list.ok, "the batch's tasks are not listed:\n\(list.screen)")
        tmux.keys("g")
        let sheet = await tmux.wait {
            $0.contains("Contact sheet · flux-dev: 2 seed x 2 guidance") && $0.contains("│seed guidance 2") && $0.contains("guidance 3.5")
                && $0.contains("failed")
                && $0.filter { $0 == "▀" }.count >= 40
        }
        #expect(sheet.ok, "no contact sheet with thumbnails:\n\(sheet.screen)")
        // The newest task (the batch's last, which failed) is selected; up and left: the first cell.
        #expect(sheet.screen.contains("seed 8 · guidance 3.5 — failed"))
        tmux.keys("k")
        tmux.keys("h")
        let first = await tmux.wait { $0.contains("seed 7 · guidance 2 — ") && $0.contains("1 of 4") }
        #expect(first.ok, "the selection did not move:\n\(first.screen)")
        tmux.keys("p")
        let full = await tmux.wait { $0.contains("any key closes") && $0.contains("seed 7 · guidance 2") }
        #expect(full.ok, "no full-screen preview:\n\(full.screen)")
        tmux.keys("Escape")
        let back = await tmux.wait { $0.contains("Contact sheet") && !$0.contains("any key closes") }
        #expect(back.ok, "Esc did not close the preview:\n\(back.screen)")
        tmux.keys("Enter")
        let task = await tmux.wait { $0.contains("╭ Tasks (") && $0.contains("7ab1e000-0000-4000-8000-000000000001-0.png") }
        #expect(task.ok, "Enter did not open the task:\n\(task.screen)")
    }
}
