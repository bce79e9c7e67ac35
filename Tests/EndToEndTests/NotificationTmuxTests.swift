import Foundation
import TestSupport
import Testing

/// A task that ends is announced with the escape sequence config.toml asks for, read from the
/// bytes the app writes to its terminal (tmux's pipe-pane), wrapped for tmux's passthrough.
@Suite(.serialized) struct NotificationTmuxTests {
    let home = Fixtures.temporaryDirectory("flux-notify")

    @Test func aFinishedTaskIsAnnouncedWithOSC777() async throws {
        guard let tmux = Tmux(label: "notify") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        let config = home.appendingPathComponent("config/flux-tui")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "notify = \"osc777\"\nnotify_after = 0\n".write(to: config.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let environment = [
            "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "FLUX_SIM_TASK_SECONDS": "1", "BFL_API_KEY": "", "TESTDK_API_KEY_HEADER": "",
        ]
        guard tmux.start([ProcessRunner.executable("flux-tui").path], width: 120, height: 40, environment: environment) else {
            Issue.record("tmux did not start")
            return
        }
        #expect(await tmux.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("SIMULATOR") }.ok)
        let bytes = home.appendingPathComponent("pane.bytes")
        #expect(tmux.run(["pipe-pane", "-o", "-t", tmux.session, "cat >> '\(bytes.path)'"]).status == 0)
        // flux-dev's form: type a prompt, submit.
        tmux.keys("/")
        tmux.type("flux-dev")
        tmux.keys("Enter")
        #expect(await tmux.wait { $0.contains("POST /v1/flux-dev ") }.ok)
        tmux.type("a lighthouse at dusk")
        tmux.keys("C-s")
        let ready = await tmux.wait(timeout: 30) { $0.contains("✓ Ready") }
        #expect(ready.ok, "the task did not finish:\n\(ready.screen)")
        let expected = "\u{1B}Ptmux;\u{1B}\u{1B}]777;notify;flux-tui: flux-dev ready;“a lighthouse at dusk”\u{07}\u{1B}\\"
        var written = ""
        for _ in 0..<50 {
            written = (try? String(contentsOf: bytes, encoding: .utf8)) ?? ""
            if written.contains(expected) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(written.contains(expected), "no notification in the bytes written: \(written.suffix(400).debugDescription)")
    }
}
