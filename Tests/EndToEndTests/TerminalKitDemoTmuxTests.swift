// End-to-end test of TerminalKit + CursesBackend on a real terminal: runs the built
// `terminalkit-demo` inside a detached tmux session, types into it, resizes the window and reads
// the screen back with `capture-pane`.
//
// Why tmux: it is a real terminal emulator with a scriptable screen, so this checks what a person
// would see (wide characters placed correctly, the too-small notice, the terminal restored on exit),
// which headless tests cannot. Each test uses its own tmux server socket and always kills it.
// Screens are polled with a deadline instead of fixed sleeps; nothing asserts on timing.

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A private tmux server for one test.
private struct TmuxSession {
    let tmux: String
    let socket: String
    let session = "demo"

    init(tmux: String) {
        self.tmux = tmux
        self.socket = "tk-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// Runs tmux with arguments on this socket; returns exit status and standard output.
    @discardableResult
    func run(_ args: [String]) throws -> (status: Int32, output: String) {
        try Spawn.run(tmux, ["-L", socket, "-f", "/dev/null"] + args)
    }

    func start(command: String, width: Int, height: Int) throws {
        let r = try run(["-u", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", command])
        #expect(r.status == 0, "tmux new-session failed")
    }

    func capture() throws -> String { try run(["capture-pane", "-p", "-t", session]).output }

    func format(_ f: String) throws -> String {
        try run(["display-message", "-p", "-t", session, f]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func sendKeys(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }

    func sendLiteral(_ text: String) throws { try run(["send-keys", "-t", session, "-l", text]) }

    /// Sends the bytes a terminal sends for a left click (SGR press, then release) on the cell
    /// at 0-based `x`, `y`, as if mouse reporting were on.
    func click(x: Int, y: Int) throws {
        try sendLiteral("\u{1B}[<0;\(x + 1);\(y + 1)M")
        try sendLiteral("\u{1B}[<0;\(x + 1);\(y + 1)m")
    }

    /// Sends one notch of the wheel (down or up) over the cell at 0-based `x`, `y`.
    func wheel(down: Bool, x: Int, y: Int) throws { try sendLiteral("\u{1B}[<\(down ? 65 : 64);\(x + 1);\(y + 1)M") }

    /// Whether the program in the pane asked for mouse reports (any mode) and for SGR encoding.
    func mouseReporting() throws -> (any: Bool, sgr: Bool) {
        let flags = try format("#{mouse_any_flag} #{mouse_sgr_flag}").split(separator: " ")
        return (flags.first == "1", flags.last == "1")
    }

    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Ends this test's tmux server (and with it the demo, which gets SIGHUP).
    func killServer() { _ = try? run(["kill-server"]) }

    /// Polls the screen until `condition` holds or 10 s pass. Records an issue (with the last
    /// screen) on timeout.
    @discardableResult
    func waitForScreen(
        _ what: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if condition(screen) { return screen }
            usleep(50_000)
        }
        Issue.record("timed out waiting for \(what); screen was:\n\(screen)", sourceLocation: sourceLocation)
        return screen
    }
}

/// Runs a program and waits for it, with a clean signal state.
///
/// Why not Foundation's `Process`: it spawns from whatever thread runs the test, and test threads
/// (libdispatch workers) block most signals; the child inherits that mask. A tmux server started
/// that way cannot receive SIGTERM/SIGCHLD, so `kill-server` never ends it. `posix_spawn` with
/// an empty signal mask and default handlers avoids that. Output goes to a file, not a pipe: the
/// tmux server forked by the first command would keep a pipe open forever.
private enum Spawn {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ path: String, _ args: [String], timeout: Double = 20) throws -> (status: Int32, output: String) {
        let outPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("tk-e2e-\(getpid())-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, env)
        guard rc == 0 else { throw Failed(description: "cannot run \(path): \(String(cString: strerror(rc)))") }

        // Wait, but never forever: a stuck tmux must not hang the test run.
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw Failed(description: "waitpid failed for \(path)") }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw Failed(description: "\(path) \(args.joined(separator: " ")) did not finish in \(Int(timeout)) s")
            }
            usleep(10_000)
        }
        let exitCode: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let data = FileManager.default.contents(atPath: outPath) ?? Data()
        return (exitCode, String(decoding: data, as: UTF8.self))
    }
}

private enum DemoLocator {
    /// tmux on PATH, if installed.
    static let tmux: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(dir)/tmux"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// The demo binary, built next to the test bundle (`.build/debug/terminalkit-demo`).
    static let demo: String? = {
        var dirs: [URL] = []
        if let env = ProcessInfo.processInfo.environment["TERMINALKIT_DEMO"] {
            return FileManager.default.isExecutableFile(atPath: env) ? env : nil
        }
        if let arg0 = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: arg0).standardizedFileURL
            dirs.append(url.deletingLastPathComponent())
            dirs.append(url.deletingLastPathComponent().deletingLastPathComponent())
        }
        dirs.append(Bundle.main.bundleURL)
        dirs.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for dir in dirs {
            let candidate = dir.appendingPathComponent("terminalkit-demo").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// The pane runs a shell that starts the demo and then reports its exit status and stays
    /// alive, so the terminal state left behind (alternate screen, cursor) can be inspected.
    static func command(_ demo: String, _ arguments: [String] = []) -> String {
        // tmux runs this with the default shell ("$SHELL -c ...").
        let args = arguments.map { " " + $0 }.joined()
        return "LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '\(demo)'\(args); echo \"demo-exit=$?\"; exec sleep 600"
    }

    /// The 0-based row of the first screen line containing `text`.
    static func row(of text: String, in screen: String) -> Int? {
        screen.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }
    }

    /// The demo's process id: the child of the pane's shell.
    static func demoPID(shellPID: Int32) -> Int32? {
        let children = (try? String(contentsOfFile: "/proc/\(shellPID)/task/\(shellPID)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.first
    }
}

@Suite("terminalkit-demo in tmux", .serialized, .enabled(if: DemoLocator.tmux != nil, "tmux is not installed; skipping the terminal end-to-end tests"))
struct TerminalKitDemoTmuxTests {
    private func makeSession() throws -> (TmuxSession, String) {
        let demo = try #require(DemoLocator.demo, "terminalkit-demo binary not found next to the test bundle")
        return (TmuxSession(tmux: DemoLocator.tmux!), demo)
    }

    @Test("Unicode rows, typing, paste, resize and quit restore the terminal")
    func fullSession() throws {
        let (tmux, demo) = try makeSession()
        defer { tmux.killServer() }
        try tmux.start(command: DemoLocator.command(demo), width: 120, height: 40)

        // Wide and combining characters show correctly, and the status bar shows the size.
        var screen = try tmux.waitForScreen("the demo's first frame") { $0.contains("120x40") && $0.contains("Größe ✓ 日本") }
        #expect(screen.contains("Größe ✓ 日本"))
        #expect(screen.contains("e\u{301}") || screen.contains("é"))
        #expect(screen.contains("👍 Emoji row 🎉"))
        #expect(screen.contains("한국어 텍스트"))
        // The row after the CJK text keeps its right-aligned detail in place: wide characters
        // took exactly two columns each.
        let row = try #require(screen.split(separator: "\n").first { $0.contains("Größe ✓ 日本") })
        #expect(row.hasSuffix("Latin + CJK┃│"))
        #expect(try tmux.format("#{alternate_on}") == "1")

        // Move down, then switch to the text field and type non-ASCII text.
        try tmux.sendKeys("Down")
        try tmux.waitForScreen("selection on the second row") { $0.contains("› e\u{301}") || $0.contains("› é") }
        try tmux.sendKeys("Tab")
        try tmux.waitForScreen("focus in the text field") { $0.contains("Esc or Tab back to the list") }
        try tmux.sendLiteral("héllo 日本")
        screen = try tmux.waitForScreen("typed text") { $0.contains("Text: héllo 日本") }

        // Bracketed paste arrives as one paste (newlines become spaces in a one-line field).
        try tmux.run(["set-buffer", "-b", "p", " pasted\nline"])
        try tmux.run(["paste-buffer", "-p", "-b", "p", "-t", tmux.session])
        try tmux.waitForScreen("pasted text") { $0.contains("Text: héllo 日本 pasted line") }

        // Too small: the notice replaces the UI.
        try tmux.resize(width: 60, height: 20)
        screen = try tmux.waitForScreen("the too-small notice") { $0.contains("Terminal too small: 60x20, need at least 80x24") }
        #expect(!screen.contains("Größe"))

        // Tiny sizes never crash the app.
        try tmux.resize(width: 1, height: 1)
        try tmux.waitForScreen("the 1x1 notice") { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "!" }
        try tmux.resize(width: 12, height: 3)
        try tmux.waitForScreen("a short notice") { $0.contains("12x3 < 80x24") || $0.contains("Too small") }

        // Big enough again: the UI comes back at the new size.
        try tmux.resize(width: 100, height: 30)
        screen = try tmux.waitForScreen("the UI at 100x30") { $0.contains("100x30") && $0.contains("Unicode rows") }
        #expect(screen.contains("Text: héllo 日本 pasted line"))
        #expect(screen.contains("› e\u{301}") || screen.contains("› é"))

        // Esc back to the list, then q quits.
        try tmux.sendKeys("Escape")
        try tmux.waitForScreen("focus back on the list") { $0.contains("q quit") }
        try tmux.sendKeys("q")
        screen = try tmux.waitForScreen("the demo to exit") { $0.contains("demo-exit=") }
        #expect(screen.contains("demo-exit=0"))
        // Terminal restored: back on the normal screen with the cursor visible, and the goodbye
        // printed after endwin is there.
        #expect(try tmux.format("#{alternate_on}") == "0")
        #expect(try tmux.format("#{cursor_flag}") == "1")
        #expect(screen.contains("terminalkit-demo: bye"))
        #expect(!screen.contains("Größe ✓ 日本"))
    }

    @Test("SIGTERM restores the terminal before the process dies")
    func sigtermRestores() throws {
        let (tmux, demo) = try makeSession()
        defer { tmux.killServer() }
        try tmux.start(command: DemoLocator.command(demo), width: 100, height: 30)
        try tmux.waitForScreen("the demo's first frame") { $0.contains("100x30") }
        let shell = try #require(Int32(tmux.format("#{pane_pid}")))
        let pid = try #require(DemoLocator.demoPID(shellPID: shell), "no demo process under the pane's shell")
        #expect(kill(pid, SIGTERM) == 0)
        let screen = try tmux.waitForScreen("the demo to exit") { $0.contains("demo-exit=") }
        // The shell reports death by SIGTERM (128 + 15): the process re-raised the signal after
        // restoring the terminal.
        #expect(screen.contains("demo-exit=143"))
        #expect(try tmux.format("#{alternate_on}") == "0")
        #expect(try tmux.format("#{cursor_flag}") == "1")
        #expect(try tmux.mouseReporting() == (false, false), "mouse reporting left on after SIGTERM")
    }

    @Test("A click selects the row or focuses the field under it, the wheel scrolls, reporting ends on quit")
    func mouseClicksAndWheel() throws {
        let (tmux, demo) = try makeSession()
        defer { tmux.killServer() }
        try tmux.start(command: DemoLocator.command(demo), width: 100, height: 30)
        var screen = try tmux.waitForScreen("the demo's first frame") { $0.contains("100x30") && $0.contains("› Größe") }
        #expect(try tmux.mouseReporting() == (true, true), "the demo did not ask for SGR mouse reports")

        // Click the fourth row: it becomes the selection.
        let hangul = try #require(DemoLocator.row(of: "한국어 텍스트", in: screen))
        try tmux.click(x: 30, y: hangul)
        screen = try tmux.waitForScreen("the clicked row selected") { $0.contains("› 한국어 텍스트") }
        #expect(!screen.contains("› Größe"))

        // Click the text field: it takes the focus, and typing goes there with no report text.
        let field = try #require(DemoLocator.row(of: " Text:", in: screen))
        try tmux.click(x: 40, y: field)
        try tmux.waitForScreen("focus in the text field") { $0.contains("Esc or Tab back to the list") }
        try tmux.sendLiteral("ok")
        screen = try tmux.waitForScreen("typed text") { $0.contains("Text: ok") }
        let fieldLine = screen.split(separator: "\n").first { $0.contains("Text:") } ?? ""
        #expect(fieldLine.trimmingCharacters(in: .whitespaces) == "Text: ok", "report bytes were typed:\n\(screen)")

        // The wheel over the list scrolls it by three rows; the selection stays on its row.
        try tmux.wheel(down: true, x: 30, y: hangul)
        screen = try tmux.waitForScreen("the list scrolled") { !$0.contains("Größe ✓ 日本") }
        #expect(DemoLocator.row(of: "› 한국어 텍스트", in: screen) == hangul - 3)

        try tmux.sendKeys("Escape")
        try tmux.waitForScreen("focus back on the list") { $0.contains("q quit") }
        try tmux.sendKeys("q")
        try tmux.waitForScreen("the demo to exit") { $0.contains("demo-exit=0") }
        #expect(try tmux.mouseReporting() == (false, false), "mouse reporting left on after quitting")
    }

    @Test("--no-mouse asks for no reports, and stray reports select nothing and type nothing")
    func mouseOff() throws {
        let (tmux, demo) = try makeSession()
        defer { tmux.killServer() }
        try tmux.start(command: DemoLocator.command(demo, ["--no-mouse"]), width: 100, height: 30)
        var screen = try tmux.waitForScreen("the demo's first frame") { $0.contains("100x30") && $0.contains("› Größe") }
        #expect(try tmux.mouseReporting() == (false, false), "mouse reporting is on despite --no-mouse")

        // The same bytes a click sends: the selection stays, and the text field receives nothing
        // but what is typed around them.
        let hangul = try #require(DemoLocator.row(of: "한국어 텍스트", in: screen))
        try tmux.click(x: 30, y: hangul)
        try tmux.sendKeys("Tab")
        try tmux.sendLiteral("x")
        let field = try #require(DemoLocator.row(of: " Text:", in: screen))
        try tmux.click(x: 40, y: field)
        try tmux.wheel(down: true, x: 30, y: hangul)
        try tmux.sendLiteral("y")
        screen = try tmux.waitForScreen("typed text") { $0.contains("Text: xy") }
        #expect(screen.contains("› Größe ✓ 日本"), "a stray report changed the selection:\n\(screen)")
        let fieldLine = screen.split(separator: "\n").first { $0.contains("Text:") } ?? ""
        #expect(fieldLine.trimmingCharacters(in: .whitespaces) == "Text: xy")
    }
}
