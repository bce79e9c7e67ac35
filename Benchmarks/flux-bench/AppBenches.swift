import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Benchmarks that run the real `flux-tui` binary in a private tmux server.
struct AppBenches {
    let tui: String
    let tmux: Tmux
    let root: URL

    /// Environment of one app run: its own data and config folders, no key.
    func appEnvironment(data: URL, config: URL, extra: [String: String] = [:]) -> [String: String] {
        var environment = ["XDG_DATA_HOME": data.path, "XDG_CONFIG_HOME": config.path]
        for (k, v) in extra { environment[k] = v }
        return environment
    }

    /// `flux-bench exec-stamped STAMP -- flux-tui ARGS`: the stamp is the CLOCK_MONOTONIC time just
    /// before exec, and the pid, which stays the app's pid.
    func stampedCommand(stamp: URL, trace: URL, arguments: [String] = []) -> String {
        ([ownExecutablePath(), "exec-stamped", stamp.path, "--", tui] + arguments).map(Tmux.quote).joined(separator: " ")
    }

    struct Launch {
        let session: String
        let pid: Int32
        let execAt: Int64
        let spawnedAt: Int64
        /// CLOCK_MONOTONIC when the app presented its first frame (its own trace).
        let firstFrameAt: Int64
        /// When the header first showed in `capture-pane` (nil when `watchPane` was off).
        let paneAt: Int64?
    }

    /// Starts the app in a new session and waits for its first frame.
    func launch(_ session: String, width: Int, height: Int, environment: [String: String],
                arguments: [String] = [], watchPane: Bool) throws -> Launch {
        let dir = try makeTemporaryDirectory("launch-\(session)")
        let stamp = dir.appendingPathComponent("stamp")
        let trace = dir.appendingPathComponent("first-frame")
        var env = environment
        env["FLUX_TUI_TRACE_FIRST_FRAME"] = trace.path
        let spawnedAt = monotonicNanoseconds()
        try tmux.newSession(session, width: width, height: height, environment: env,
                            command: stampedCommand(stamp: stamp, trace: trace, arguments: arguments))
        var paneAt: Int64?
        let deadline = monotonicNanoseconds() + 20_000_000_000
        while monotonicNanoseconds() < deadline {
            if watchPane && paneAt == nil {
                let screen = tmux.capture(session)
                if screen.contains("flux-tui") && screen.contains("? help") { paneAt = monotonicNanoseconds() }
            }
            if FileManager.default.fileExists(atPath: trace.path), (!watchPane || paneAt != nil),
               let text = try? String(contentsOf: trace, encoding: .utf8), text.hasSuffix("\n") { break }
            usleep(watchPane ? 500 : 2_000)
        }
        guard let traceText = try? String(contentsOf: trace, encoding: .utf8),
              let firstFrame = Int64(traceText.trimmingCharacters(in: .whitespacesAndNewlines)),
              let stampText = try? String(contentsOf: stamp, encoding: .utf8) else {
            let screen = tmux.capture(session)
            tmux.kill(session)
            throw BenchError("the app showed no first frame within 20 s; screen:\n\(screen)")
        }
        let parts = stampText.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard parts.count == 2, let pid = Int32(parts[0]), let execAt = Int64(parts[1]) else { throw BenchError("bad stamp file") }
        return Launch(session: session, pid: pid, execAt: execAt, spawnedAt: spawnedAt, firstFrameAt: firstFrame, paneAt: paneAt)
    }

    func stop(_ launch: Launch) {
        tmux.kill(launch.session)
        if !waitForExit(launch.pid, timeout: 10) {
            kill(launch.pid, SIGKILL)
            waitForExit(launch.pid, timeout: 5)
        }
    }

    // MARK: start to first frame

    struct StartupResult {
        var appMilliseconds: [Double] = []
        var paneMilliseconds: [Double] = []
    }

    /// `runs` launches (after one unrecorded warm-up) against a store with `tasks` finished tasks.
    func startup(tasks: Int, runs: Int) throws -> StartupResult {
        let data = try makeTemporaryDirectory("startup-\(tasks)/data")
        let config = try makeTemporaryDirectory("startup-\(tasks)/config")
        try Fixtures.writeStore(path: data.appendingPathComponent("flux-tui/tasks.sqlite").path, count: tasks)
        var result = StartupResult()
        // The app's own trace, with nothing else running (polling the pane spawns a tmux client
        // every millisecond, which would compete with the app for the two cores)...
        for run in 0...runs {
            let launch = try launch("start\(tasks)-\(run)", width: 120, height: 40,
                                    environment: appEnvironment(data: data, config: config), watchPane: false)
            stop(launch)
            if run == 0 { continue }  // warm-up: page cache, first run of the binary
            result.appMilliseconds.append(Double(launch.firstFrameAt - launch.execAt) / 1e6)
        }
        // ...then a few runs watched from outside: spawn to the header showing in the pane.
        for run in 0..<3 {
            let launch = try launch("pane\(tasks)-\(run)", width: 120, height: 40,
                                    environment: appEnvironment(data: data, config: config), watchPane: true)
            stop(launch)
            if let pane = launch.paneAt { result.paneMilliseconds.append(Double(pane - launch.spawnedAt) / 1e6) }
        }
        return result
    }

    // MARK: key press to frame, in a real terminal

    func keyFrame(taskCount: Int, keys: Int) throws -> [String: Any] {
        let dir = try makeTemporaryDirectory("keyframe")
        let out = dir.appendingPathComponent("result.json")
        let command = [ownExecutablePath(), "keyframe", "--terminal", "--tasks", String(taskCount), "--keys", String(keys),
                       "--out", out.path].map(Tmux.quote).joined(separator: " ")
        try tmux.newSession("keyframe", width: 200, height: 60, environment: [:], command: command + "; sleep 30")
        defer { tmux.kill("keyframe") }
        let deadline = monotonicNanoseconds() + 180_000_000_000
        while monotonicNanoseconds() < deadline {
            if let data = try? Data(contentsOf: out), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                if let error = object["error"] as? String { throw BenchError("keyframe: \(error)") }
                return object
            }
            usleep(50_000)
        }
        throw BenchError("keyframe in tmux gave no result; screen:\n\(tmux.capture("keyframe"))")
    }

    // MARK: idle CPU while polling

    struct IdleResult {
        var cpuPercent: Double
        var window: Double
        var requestsPerSecond: Double
        var polled: Int
        var rssMiB: Double
    }

    /// The app on its task list with `pending` tasks running on a separate simulator (10-minute
    /// tasks, submitted beforehand and resumed by the app at start): CPU of the app process over
    /// `window` seconds, after `settle` seconds.
    func idle(pending: Int, window: Double, settle: Double) throws -> IdleResult {
        let simulator = try SimulatorProcess(environment: [
            "FLUX_SIM_TASK_SECONDS": "600", "FLUX_SIM_ACTIVE_LIMIT": String(pending + 50),
        ])
        defer { simulator.stop() }
        let data = try makeTemporaryDirectory("idle/data")
        let config = try makeTemporaryDirectory("idle/config")
        let store = data.appendingPathComponent("flux-tui/tasks.sqlite").path
        _ = try runHelper(["submit-running", "--server", simulator.url, "--count", String(pending), "--store", store], timeout: 120)
        let launch = try launch("idle", width: 120, height: 40,
                                environment: appEnvironment(data: data, config: config, extra: ["FLUX_SERVER_URL": simulator.url]),
                                watchPane: false)
        defer { stop(launch) }
        tmux.sendKeys("idle", ["2"])
        // Let start-up work and the first polls pass.
        usleep(UInt32(settle * 1e6))
        guard let cpu0 = processCPUSeconds(pid: launch.pid) else { throw BenchError("cannot read the app's CPU time") }
        let requests0 = simulator.statistics().requests
        let t0 = monotonicNanoseconds()
        usleep(UInt32(window * 1e6))
        guard let cpu1 = processCPUSeconds(pid: launch.pid) else { throw BenchError("the app exited during the idle window") }
        let elapsed = Double(monotonicNanoseconds() - t0) / 1e9
        let requests1 = simulator.statistics().requests
        let screen = tmux.capture("idle")
        let polled = screen.contains("\(pending) active") ? pending : -1
        return IdleResult(cpuPercent: (cpu1 - cpu0) / elapsed * 100, window: elapsed,
                          requestsPerSecond: Double(requests1 - requests0) / elapsed, polled: polled,
                          rssMiB: Double(peakRSS(pid: String(launch.pid))) / 1_048_576)
    }
}
