import FluxAPI
import Foundation
import TestSupport
import Testing
@testable import FluxApp

/// Lineage and compare in a real terminal against the built-in simulator: a rerun with a new seed
/// shows where it came from, and `m`, `=` put both images side by side with the seed marked.
@Suite(.serialized) struct CompareTmuxTests {
    @Test func aRerunShowsItsParentAndComparesWithIt() async throws {
        let app = AppTmuxTests()
        guard let tmux = Tmux(label: "compare") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(app.home) }
        // The test runner may set NO_COLOR for its children; previews need colour.
        var environment = app.environment()
        environment["NO_COLOR"] = ""
        environment["COLORTERM"] = ""
        guard tmux.start([ProcessRunner.executable("flux-tui").path], width: 140, height: 44, environment: environment) else {
            Issue.record("tmux could not start the app")
            return
        }
        let started = await tmux.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("SIMULATOR") }
        #expect(started.ok, "the app did not start:\n\(started.screen)")
        guard started.ok else { return }
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        await app.open(tmux, endpoint)
        await app.fill(tmux, endpoint, ["prompt": "a harbour at dawn", "width": "512", "height": "512"])
        let first = await tmux.wait(timeout: 30) { $0.contains("✓ Ready") }
        #expect(first.ok, "the first task did not reach Ready:\n\(first.screen)")

        tmux.keys("R")  // rerun with a new seed: the new task records this one as its parent
        let both = await tmux.wait(timeout: 30) { $0.contains("╭ Tasks (2") }
        #expect(both.ok, "the rerun is not listed:\n\(both.screen)")
        tmux.keys("k")  // the rerun, on top
        let chain = await tmux.wait { $0.contains("↰ from ") && $0.contains("(flux-dev): seed ") }
        #expect(chain.ok, "the detail pane shows no lineage:\n\(chain.screen)")

        tmux.keys("m")
        tmux.keys("j")
        tmux.keys("=")
        // Half-blocks on both halves of the screen (a preview appears as soon as its task is Ready).
        func halves(_ screen: String) -> Set<Bool> {
            Set(screen.components(separatedBy: "\n").flatMap { row in row.enumerated().filter { $0.element == "▀" }.map { $0.offset < 70 } })
        }
        let compare = await tmux.wait(timeout: 30) { screen in
            screen.contains("Compare · Esc closes") && screen.contains("≠ seed") && halves(screen) == [true, false]
        }
        #expect(compare.ok, "no compare view with both previews:\n\(compare.screen)")
        tmux.keys("Escape")
        let closed = await tmux.wait { !$0.contains("Compare · Esc closes") && $0.contains("╭ Tasks (2") }
        #expect(closed.ok, "Esc did not close the compare view:\n\(closed.screen)")
    }
}
