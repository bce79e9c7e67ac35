import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts processes with posix_spawn: Foundation's `Process` waits through the main run loop,
/// which never turns while this program blocks the main thread, and it hands children the
/// runtime's blocked signal mask. Here children get default signals and an empty mask.
enum Spawn {
    enum Output { case inherit, null, pipe }

    struct Started {
        let pid: pid_t
        /// Our end of the child's stdin / stdout, when piped.
        let stdin: Int32?
        let stdout: Int32?
    }

    static func start(_ argv: [String], environment: [String: String]? = nil, stdin: Output = .null,
                      stdout: Output = .inherit, stderr: Output = .inherit) throws -> Started {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var ours: [Int32] = []
        var theirs: [Int32] = []
        func wire(_ output: Output, fd: Int32, childReads: Bool) throws -> Int32? {
            switch output {
            case .inherit: return nil
            case .null:
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", childReads ? O_RDONLY : O_WRONLY, 0)
                return nil
            case .pipe:
                var fds: [Int32] = [-1, -1]
                guard pipe(&fds) == 0 else { throw BenchError("pipe: \(String(cString: strerror(errno)))") }
                // Close-on-exec, so other children do not inherit them (dup2 in the child clears it).
                _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
                let (mine, child) = childReads ? (fds[1], fds[0]) : (fds[0], fds[1])
                posix_spawn_file_actions_adddup2(&actions, child, fd)
                ours.append(mine)
                theirs.append(child)
                return mine
            }
        }
        let inFD = try wire(stdin, fd: 0, childReads: true)
        let outFD = try wire(stdout, fd: 1, childReads: false)
        _ = try wire(stderr, fd: 2, childReads: false)

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let r = posix_spawnp(&pid, argv[0], &actions, &attributes, &cArgv, &cEnv)
        theirs.forEach { close($0) }
        guard r == 0 else {
            ours.forEach { close($0) }
            throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(r)))")
        }
        return Started(pid: pid, stdin: inFD, stdout: outFD)
    }

    /// Waits for a child; kills it after `timeout` seconds. Returns its exit status (or -signal).
    @discardableResult
    static func wait(_ pid: pid_t, timeout: Double) -> Int32 {
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return -1 }
            if monotonicNanoseconds() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(2_000)
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : -signal
    }

    /// Everything a child writes to `fd` until it closes it; closes `fd`.
    static func readToEnd(_ fd: Int32) -> Data {
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output.append(contentsOf: chunk[0..<n])
        }
        close(fd)
        return output
    }

    /// Runs a command to its end; returns its exit status and (when asked) its stdout.
    static func run(_ argv: [String], environment: [String: String]? = nil, captureOutput: Bool = false,
                    timeout: Double = 30) throws -> (status: Int32, output: String) {
        let started = try start(argv, environment: environment, stdout: captureOutput ? .pipe : .null, stderr: .null)
        let output = started.stdout.map(readToEnd) ?? Data()
        let status = wait(started.pid, timeout: timeout)
        return (status, String(decoding: output, as: UTF8.self))
    }
}

/// A helper process with pipes to its stdin and stdout (stderr passes through).
final class Child {
    let pid: pid_t
    private let stdinFD: Int32
    private let stdoutFD: Int32
    private var buffer = Data()
    private var inputOpen = true
    private(set) var exitStatus: Int32?

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let started = try Spawn.start([executable] + arguments, environment: environment, stdin: .pipe, stdout: .pipe)
        pid = started.pid
        stdinFD = started.stdin!
        stdoutFD = started.stdout!
    }

    /// The next line of stdout, or nil at EOF or after `timeout` seconds.
    func readLine(timeout: Double) -> String? {
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let left = Int32(max(0, (deadline - monotonicNanoseconds()) / 1_000_000))
            if left <= 0 { return nil }
            var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, left)
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { return nil }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = read(stdoutFD, &chunk, chunk.count)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    func send(_ line: String) {
        guard inputOpen else { return }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
    }

    func closeInput() {
        guard inputOpen else { return }
        inputOpen = false
        close(stdinFD)
    }

    /// Closes its stdin and waits for it to end; kills it after `timeout` seconds.
    func finish(timeout: Double = 10) {
        closeInput()
        if exitStatus == nil { exitStatus = Spawn.wait(pid, timeout: timeout) }
        close(stdoutFD)
    }
}

/// Runs a helper of this binary to completion and parses the JSON object it prints last on stdout.
func runHelper(_ arguments: [String], timeout: Double, environment: [String: String]? = nil) throws -> [String: Any] {
    let child = try Child(ownExecutablePath(), arguments, environment: environment)
    child.closeInput()
    var last: String?
    let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
    while let line = child.readLine(timeout: max(0.1, Double(deadline - monotonicNanoseconds()) / 1e9)) {
        if line.hasPrefix("{") { last = line }
    }
    child.finish(timeout: 5)
    guard let last, let object = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
        throw BenchError("helper `\(arguments.first ?? "")` gave no result (exit \(child.exitStatus ?? -1))")
    }
    if let error = object["error"] as? String { throw BenchError("helper `\(arguments.first ?? "")`: \(error)") }
    return object
}

/// Prints one JSON object (a helper's result) on stdout.
func emit(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// A simulator in its own process (`flux-bench sim-serve`), so the client's CPU and memory figures
/// are the client's alone. Answers `stats` on stdin with its counters.
final class SimulatorProcess {
    let child: Child
    let url: String

    init(environment extra: [String: String]) throws {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FLUX_SIM_") }
        for (k, v) in extra { environment[k] = v }
        child = try Child(ownExecutablePath(), ["sim-serve"], environment: environment)
        guard let line = child.readLine(timeout: 30), line.hasPrefix("http") else {
            child.finish(timeout: 1)
            throw BenchError("the simulator did not start")
        }
        url = line
    }

    /// Requests served, tasks created, samples served.
    func statistics() -> (requests: Int, tasks: Int, samples: Int) {
        child.send("stats")
        guard let line = child.readLine(timeout: 10),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return (0, 0, 0) }
        return (object["requests"] as? Int ?? 0, object["tasks"] as? Int ?? 0, object["samples"] as? Int ?? 0)
    }

    func stop() { child.finish(timeout: 10) }
}

// MARK: tmux

/// A private tmux server (`tmux -L NAME -f /dev/null`) for running the app in a real terminal.
final class Tmux {
    let socket: String
    let environment: [String: String]

    init(socket: String, environment: [String: String]) throws {
        self.socket = socket
        self.environment = environment
        // A holder session keeps the server up between runs; the status line is off so panes get
        // the full size.
        try run(["new-session", "-d", "-s", "hold", "-x", "80", "-y", "24", "sleep 3600"])
        try run(["set-option", "-g", "status", "off"])
        try run(["set-option", "-g", "default-terminal", "tmux-256color"])
    }

    @discardableResult
    func run(_ arguments: [String], allowFailure: Bool = false, output: Bool = false) throws -> String {
        let result = try Spawn.run(["tmux", "-L", socket, "-f", "/dev/null"] + arguments, environment: environment,
                                   captureOutput: output, timeout: 20)
        if result.status != 0 && !allowFailure {
            throw BenchError("tmux \(arguments.first ?? "") failed (exit \(result.status))")
        }
        return result.output
    }

    func newSession(_ name: String, width: Int, height: Int, environment: [String: String], command: String) throws {
        var arguments = ["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height)]
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(k)=\(v)"] }
        arguments.append(command)
        try run(arguments)
    }

    func capture(_ name: String) -> String {
        (try? run(["capture-pane", "-p", "-t", name], allowFailure: true, output: true)) ?? ""
    }

    func sendKeys(_ name: String, _ keys: [String]) {
        _ = try? run(["send-keys", "-t", name] + keys, allowFailure: true)
    }

    func kill(_ name: String) {
        _ = try? run(["kill-session", "-t", name], allowFailure: true)
    }

    func shutdown() {
        _ = try? run(["kill-server"], allowFailure: true)
    }

    static var isAvailable: Bool {
        ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/tmux")
        } ?? false
    }

    /// A clean environment for the tmux server: no API key, no server URL, no simulator settings,
    /// a UTF-8 locale.
    static func cleanEnvironment() -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for key in ["PATH", "HOME", "USER", "TMPDIR"] { if let v = inherited[key] { environment[key] = v } }
        environment["LANG"] = "C.UTF-8"
        environment["TERM"] = "xterm-256color"
        return environment
    }

    /// Quotes a word for the shell command tmux runs.
    static func quote(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
