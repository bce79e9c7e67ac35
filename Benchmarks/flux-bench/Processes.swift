import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A helper process with pipes to its stdin and stdout (stderr passes through).
final class Child: @unchecked Sendable {
    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private var buffer = Data()

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The next line of stdout, or nil at EOF or after `timeout` seconds.
    func readLine(timeout: Double) -> String? {
        let fd = stdoutPipe.fileHandleForReading.fileDescriptor
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let left = Int32(max(0, (deadline - monotonicNanoseconds()) / 1_000_000))
            if left <= 0 { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, left)
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { return nil }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    func send(_ line: String) {
        stdinPipe.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    func closeInput() { try? stdinPipe.fileHandleForWriting.close() }

    /// Waits for the process to end; kills it after `timeout` seconds.
    func finish(timeout: Double = 10) {
        closeInput()
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        while process.isRunning && monotonicNanoseconds() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
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
        throw BenchError("helper `\(arguments.first ?? "")` gave no result (exit \(child.process.terminationStatus))")
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

    /// Runs a tmux command. Only commands whose output is wanted get a pipe: a command that
    /// starts the server would hand the pipe to the server, and its end would never come.
    @discardableResult
    func run(_ arguments: [String], allowFailure: Bool = false, output: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
        process.environment = environment
        let out = Pipe()
        process.standardOutput = output ? out : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        if process.terminationStatus != 0 && !allowFailure {
            throw BenchError("tmux \(arguments.first ?? "") failed (exit \(process.terminationStatus))")
        }
        return String(decoding: data, as: UTF8.self)
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
