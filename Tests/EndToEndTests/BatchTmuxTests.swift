import FluxAPI
import Foundation
import TaskStore
import TestSupport
import Testing
@testable import FluxApp

/// A sweep from the form, for real: three seeds in flux-dev's form, Ctrl-S, the task list grouped
/// by batch, and the batch's header at 3/3 once the simulator has made the three images.
@Suite(.serialized) struct BatchTmuxTests {
    let app = AppTmuxTests()

    @Test func sweepThreeSeedsSubmitGroupAndSeeTheHeaderAtThreeOfThree() async throws {
        guard let tmux = Tmux(label: "sweep") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(app.home) }
        guard await app.launch(tmux) else { return }
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        await app.open(tmux, endpoint)
        let order = endpoint.fields.filter { !$0.advanced } + endpoint.fields.filter(\.advanced)
        let prompt = try #require(order.firstIndex { $0.name == "prompt" })
        let seed = try #require(order.firstIndex { $0.name == "seed" })
        tmux.type("a lighthouse, three ways")
        for _ in prompt..<seed { tmux.keys("Tab") }
        tmux.keys("C-t")
        tmux.type("1..3")
        let forecast = await tmux.wait { $0.contains("⇶ 3 tasks") && $0.contains("seed ⇶") }
        #expect(forecast.ok, "no forecast for the sweep:\n\(forecast.screen)")
        tmux.keys("C-s")
        let listed = await tmux.wait { $0.contains("╭ Tasks (") && $0.contains("STATUS") }
        #expect(listed.ok, "the batch was not submitted:\n\(listed.screen)")
        tmux.keys("b")
        let done = await tmux.wait(timeout: 60) { $0.contains("flux-dev: 3 seed · 3/3 ready") }
        #expect(done.ok, "the batch's header did not reach 3/3:\n\(done.screen)")
        for n in 1...3 { #expect(done.screen.contains("seed \(n) · a lighthouse"), "seed \(n) row:\n\(done.screen)") }

        // The batch is in the task database: one batch, three tasks in order.
        let store = try TaskStore(path: app.home.appendingPathComponent("data/flux-tui/tasks.sqlite").path)
        let batches = try store.batches()
        #expect(batches.count == 1 && batches.first?.taskCount == 3 && batches.first?.variedFields == ["seed"])
        let tasks = try store.tasks(inBatch: try #require(batches.first).id)
        #expect(tasks.map(\.seed) == [1, 2, 3])
    }
}
