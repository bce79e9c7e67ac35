import FluxAPI
import Foundation
import TestSupport
import Testing

/// The action model and the mouse in a real terminal (tmux): one Esc closes the palette, keys
/// from config.toml are in force and shown in help, clicks reach the app unless `--no-mouse`.
@Suite(.serialized) struct AppKeysAndMouseTmuxTests {
    let home = Fixtures.temporaryDirectory("flux-keys")

    func environment() -> [String: String] {
        [
            "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "BFL_API_KEY": "", "TESTDK_API_KEY_HEADER": "",
        ]
    }

    func writeConfig(_ text: String) throws {
        let dir = home.appendingPathComponent("config/flux-tui")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
    }

    func launch(_ tmux: Tmux, _ arguments: [String] = []) async -> Bool {
        guard tmux.start([ProcessRunner.executable("flux-tui").path] + arguments, width: 120, height: 40,
                         environment: environment()) else { return false }
        let ready = await tmux.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("SIMULATOR") }
        #expect(ready.ok, "the app did not start:\n\(ready.screen)")
        return ready.ok
    }

    /// (column, row), 1-based as mouse reports count, of the first place `needle` is drawn.
    static func cell(of needle: String, in screen: String) -> (Int, Int)? {
        for (y, line) in screen.components(separatedBy: "\n").enumerated() {
            if let range = line.range(of: needle) { return (line.distance(from: line.startIndex, to: range.lowerBound) + 1, y + 1) }
        }
        return nil
    }

    /// A left click as an xterm SGR report: press, then release.
    static func click(_ tmux: Tmux, at cell: (Int, Int)) {
        tmux.type("\u{1B}[<0;\(cell.0);\(cell.1)M")
        tmux.type("\u{1B}[<0;\(cell.0);\(cell.1)m")
    }

    @Test func oneEscClosesThePaletteEvenWhileItsFilterIsTyped() async throws {
        guard let tmux = Tmux() else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        guard await launch(tmux) else { return }
        tmux.keys(":")
        #expect(await tmux.wait { $0.contains("Go to the tasks") }.ok)
        tmux.type("fine")
        #expect(await tmux.wait { $0.contains("Go to the fine-tunes") && !$0.contains("Go to the tasks") }.ok)
        tmux.keys("Escape")
        let closed = await tmux.wait { !$0.contains("Go to the fine-tunes") }
        #expect(closed.ok, "one Esc did not close the palette:\n\(closed.screen)")
        #expect(closed.screen.contains("Open the endpoint's form") == false)
        #expect(tmux.isAlive)
    }

    @Test func keysFromTheConfigFileAreInForceAndShownInHelp() async throws {
        guard let tmux = Tmux() else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        try writeConfig("[keys]\nquit = \"Q\"\nhelp = [\"?\", \"F2\"]\n")
        guard await launch(tmux) else { return }
        tmux.keys("F2")
        let help = await tmux.wait { $0.contains("Endpoint picker keys") }
        #expect(help.ok, "F2 did not open the help:\n\(help.screen)")
        #expect(help.screen.contains("?/F2"))
        tmux.keys("Escape")
        #expect(await tmux.wait { !$0.contains("Endpoint picker keys") }.ok)
        tmux.keys("q")
        try await Task.sleep(for: .milliseconds(500))
        #expect(tmux.isAlive, "q still quit after quit was rebound to Q")
        tmux.keys("Q")
        let deadline = ContinuousClock.now + .seconds(10)
        while tmux.isAlive && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!tmux.isAlive, "Q did not quit")
    }

    @Test func aBadKeysTableStopsTheAppWithTheFileLineAndAction() async throws {
        defer { Fixtures.cleanup(home) }
        try writeConfig("theme = \"light\"\n[keys]\nrerunn = \"x\"\n")
        let result = try await ProcessRunner.run("flux-tui", ["keys"], environment: environment())
        #expect(result.status == 1)
        #expect(result.stderr.contains("config.toml:3 [keys] rerunn: no action is called 'rerunn'"), "\(result.stderr)")
    }

    @Test func clicksSelectAndOpenAnEndpoint() async throws {
        guard let tmux = Tmux() else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        guard await launch(tmux) else { return }
        let screen = tmux.capture()
        let target = try #require(Self.cell(of: "flux-pro-1.1-ultra ", in: screen))
        Self.click(tmux, at: target)
        let selected = await tmux.wait { $0.contains("▸ flux-pro-1.1-ultra") }
        #expect(selected.ok, "a click did not select the row:\n\(selected.screen)")
        Self.click(tmux, at: target)
        let opened = await tmux.wait { $0.contains("POST /v1/flux-pro-1.1-ultra ") }
        #expect(opened.ok, "a click on the selected row did not open its form:\n\(opened.screen)")
    }

    @Test func withNoMouseTheSameBytesDoNothing() async throws {
        guard let tmux = Tmux() else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        guard await launch(tmux, ["--no-mouse"]) else { return }
        let before = tmux.capture()
        let target = try #require(Self.cell(of: "flux-pro-1.1-ultra ", in: before))
        Self.click(tmux, at: target)
        Self.click(tmux, at: target)
        tmux.keys("/")  // a key after the clicks: its frame shows the clicks were handled (or not)
        let after = await tmux.wait { $0.contains("filter endpoints") || $0.contains("/ ") }
        #expect(after.ok)
        #expect(!after.screen.contains("▸ flux-pro-1.1-ultra"), "a click selected a row with --no-mouse:\n\(after.screen)")
        #expect(!after.screen.contains("POST /v1/flux-pro-1.1-ultra "))
        #expect(!after.screen.contains("[<"), "mouse bytes were typed:\n\(after.screen)")
    }
}
