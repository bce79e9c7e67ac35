import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Drives a program in a private tmux server for end-to-end terminal tests: start it at a size,
/// type, read the screen. Waiting uses `Task.sleep`, so tests never block Swift's shared threads.
public final class Tmux: Sendable {
    public let path: String
    public let socket: String
    public let session = "e2e"

    /// nil when tmux is not installed.
    public init?(label: String = "app") {
        guard let path = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return nil }
        self.path = path
        self.socket = "flux-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// Runs one tmux command on this test's server.
    @discardableResult
    public func run(_ args: [String]) -> (status: Int32, output: String) {
        (try? Spawn.run(path, ["-L", socket, "-f", "/dev/null"] + args)) ?? (-1, "")
    }

    /// Starts `command` in a new session of the given size with extra environment variables.
    public func start(_ command: [String], width: Int, height: Int, environment: [String: String]) -> Bool {
        let env = environment.sorted { $0.key < $1.key }.flatMap { ["-e", "\($0.key)=\($0.value)"] }
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return run(["-u", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)"] + env + [quoted]).status == 0
    }

    public func capture() -> String { run(["capture-pane", "-p", "-t", session]).output }

    /// Named keys: "Enter", "Tab", "C-s", "Down", ...
    public func keys(_ keys: String...) { run(["send-keys", "-t", session] + keys) }

    /// Literal text.
    public func type(_ text: String) { run(["send-keys", "-t", session, "-l", text]) }

    public func resize(width: Int, height: Int) { run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"]) }

    /// Whether the program in the session is still running.
    public var isAlive: Bool {
        let out = run(["list-panes", "-t", session, "-F", "#{pane_dead}"])
        return out.status == 0 && out.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
    }

    /// Polls the screen until `condition` holds; returns the last screen and whether it held.
    public func wait(timeout: Double = 30, _ condition: (String) -> Bool) async -> (screen: String, ok: Bool) {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var screen = ""
        while ContinuousClock.now < deadline {
            screen = capture()
            if condition(screen) { return (screen, true) }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return (screen, false)
    }

    public func kill() { run(["kill-server"]) }
}

/// Spawns with an empty signal mask and default handlers (test threads block signals and children
/// inherit that; a tmux server started so could never be told to stop), output to a file (the
/// tmux server forked by the first command would hold a pipe open forever).
enum Spawn {
    struct Failed: Error {}

    static func run(_ path: String, _ args: [String], timeout: Double = 20) throws -> (status: Int32, output: String) {
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(getpid())-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Nothing else: NIO's sockets are not close-on-exec, and a listening socket inherited by
        // tmux outlives its close() in the tests (a suspended simulator would still accept).
        // glibc >= 2.34 has closefrom for spawn; Swift's Glibc module does not export it.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
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
        let env: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, &attr, argv, env) == 0 else { throw Failed() }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) != pid {
            if Date() > deadline {
                Glibc.kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw Failed()
            }
            usleep(2_000)
        }
        let data = FileManager.default.contents(atPath: outPath) ?? Data()
        return ((status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F), String(decoding: data, as: UTF8.self))
    }
}
