import FluxAPI
import Foundation
import TaskStore
import TestSupport
import Testing
@testable import FluxApp

/// Cost and budgets in the real app (tmux, built-in simulator): the form's estimate and balance,
/// the dialog above `confirm_above`, the refusal once the day's budget would be passed (nothing
/// sent), and the spend report.
@Suite(.serialized) struct BudgetTmuxTests {
    let home = Fixtures.temporaryDirectory("flux-budget-app")

    func environment() -> [String: String] {
        [
            "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "FLUX_SIM_TASK_SECONDS": "1", "BFL_API_KEY": "", "TESTDK_API_KEY_HEADER": "",
            // flux-dev's default size costs 1.97: one asks, a second would pass the budget.
            "FLUX_CONFIRM_ABOVE": "1", "FLUX_DAILY_BUDGET": "3",
        ]
    }

    func openDev(_ tmux: Tmux) async -> Bool {
        tmux.keys("1")
        tmux.keys("g")
        let index = PickerState.ordered.firstIndex { $0.id == "flux-dev" } ?? 0
        for _ in 0..<index { tmux.keys("j") }
        tmux.keys("Enter")
        let opened = await tmux.wait { $0.contains("POST /v1/flux-dev ") && $0.contains("balance ") }
        #expect(opened.ok, "form did not open with a balance:\n\(opened.screen)")
        return opened.ok
    }

    @Test func askThenRefuseOverTheBudgetAndReportTheSpend() async throws {
        guard let tmux = Tmux(label: "budget") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        guard tmux.start([ProcessRunner.executable("flux-tui").path], width: 120, height: 40, environment: environment()) else { return }
        let started = await tmux.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("SIMULATOR") }
        #expect(started.ok, "the app did not start:\n\(started.screen)")
        guard started.ok, await openDev(tmux) else { return }
        #expect(tmux.capture().contains("cost ~1.97 credits (estimate)"))
        tmux.type("a fox in the snow")
        tmux.keys("C-s")
        let asked = await tmux.wait { $0.contains("Submit?") && $0.contains("1.97 credits") }
        #expect(asked.ok, "no confirmation:\n\(asked.screen)")
        tmux.keys("Right")
        tmux.keys("Enter")
        let ready = await tmux.wait(timeout: 30) { $0.contains("✓ Ready") }
        #expect(ready.ok, "task did not reach Ready:\n\(ready.screen)")

        // A second one would make 3.94 of a budget of 3: refused, on the form, nothing sent.
        guard await openDev(tmux) else { return }
        let learned = await tmux.wait { $0.contains("cost 1.97 credits") }
        #expect(learned.ok, "the estimate was not learned:\n\(learned.screen)")
        tmux.type("a second fox")
        tmux.keys("C-s")
        let refused = await tmux.wait { $0.contains("over the daily budget") }
        #expect(refused.ok, "not refused:\n\(refused.screen)")
        #expect(refused.screen.contains("POST /v1/flux-dev "))
        #expect(!refused.screen.contains("Submit?"))

        tmux.keys("Escape")
        let back = await tmux.wait { !$0.contains("· POST /v1/flux-dev") }
        #expect(back.ok, "Esc did not leave the form:\n\(back.screen)")
        tmux.keys("2")
        _ = await tmux.wait { $0.contains("╭ Tasks") }
        tmux.keys(":")
        tmux.type("spend report")
        tmux.keys("Enter")
        let report = await tmux.wait { $0.contains("Spend report") && $0.contains("Total: 1.97 credits") }
        #expect(report.ok, "no spend report:\n\(report.screen)")
        tmux.keys("Escape")
        _ = await tmux.wait { !$0.contains("Spend report") }
        tmux.keys("q")
        _ = await tmux.wait { _ in !tmux.isAlive }
        let stored = try TaskStore(path: home.appendingPathComponent("data/flux-tui/tasks.sqlite").path).tasks(includeHidden: true)
        #expect(stored.count == 1)
    }
}
