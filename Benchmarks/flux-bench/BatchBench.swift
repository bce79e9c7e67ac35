import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Issue 16's figures: a 1,000-task `flux-tui batch` (one process, the app's engine) against a
/// simulator process, next to the same tasks through `TaskEngine` in this program's helper.
extension Suite {
    struct CLIRun {
        var wall: Double
        var userCPU: Double
        var systemCPU: Double
        var peakRSS: Int
        var status: Int32
        var stdoutLines: [String]
    }

    /// Runs `flux-tui ARGS` to its end: wall time, and CPU and peak RSS from `wait4`.
    func runCLI(_ arguments: [String], environment: [String: String], timeout: Double) throws -> CLIRun {
        let t0 = monotonicNanoseconds()
        let started = try Spawn.start([tui] + arguments, environment: environment, stdout: .pipe, stderr: .null)
        let output = started.stdout.map(Spawn.readToEnd) ?? Data()
        var status: Int32 = 0
        var usage = rusage()
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        while wait4(started.pid, &status, WNOHANG, &usage) == 0 {
            if monotonicNanoseconds() > deadline { kill(started.pid, SIGKILL) }
            usleep(2_000)
        }
        let wall = Double(monotonicNanoseconds() - t0) / 1e9
        func secs(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        return CLIRun(wall: wall, userCPU: secs(usage.ru_utime), systemCPU: secs(usage.ru_stime), peakRSS: usage.ru_maxrss * 1024,
                      status: (status >> 8) & 0xFF, stdoutLines: lines)
    }

    /// `count` distinct flux-dev tasks, one a line, as the engine benchmark submits them.
    static func batchFile(count: Int) -> String {
        (0..<count).map { i in
            #"{"endpoint": "flux-dev", "params": {"prompt": "benchmark \#(i): a lighthouse on a cliff at dawn", "seed": \#(i), "width": 256, "height": 256, "output_format": "jpeg"}}"#
        }.joined(separator: "\n") + "\n"
    }

    func batch(_ report: inout Report) {
        let count = quick ? 200 : 1000
        let maxActive = 20
        let taskSeconds = "1"
        log("\(count)-task flux-tui batch, and the same tasks through the engine in process")
        do {
            let simulator = try SimulatorProcess(environment: [
                "FLUX_SIM_TASK_SECONDS": taskSeconds, "FLUX_SIM_ACTIVE_LIMIT": "100", "FLUX_SIM_RENDER_THREADS": "1",
            ])
            defer { simulator.stop() }
            let dir = try makeTemporaryDirectory("batch")
            let file = dir.appendingPathComponent("tasks.jsonl")
            try Self.batchFile(count: count).write(to: file, atomically: true, encoding: .utf8)
            var environment = Tmux.cleanEnvironment()
            environment["XDG_DATA_HOME"] = dir.appendingPathComponent("data").path
            environment["XDG_CONFIG_HOME"] = dir.appendingPathComponent("config").path
            environment["FLUX_SERVER_URL"] = simulator.url

            let before = simulator.statistics()
            let cli = try runCLI(["batch", file.path, "--wait", "--json", "--max-active", String(maxActive),
                                  "--output", dir.appendingPathComponent("cli-out").path], environment: environment, timeout: 600)
            let after = simulator.statistics()
            let requests = after.requests - before.requests
            let submits = after.tasks - before.tasks
            let downloads = after.samples - before.samples
            let extra = Double(requests - submits - downloads) / Double(count)
            let summary = cli.stdoutLines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let ready = summary?["ready"] as? Int ?? 0

            let engineDir = try makeTemporaryDirectory("batch-engine")
            let engine = try runHelper(["tasks", "--server", simulator.url, "--count", String(count), "--dir", engineDir.path,
                                        "--max-active", String(maxActive)], timeout: 600)
            let engineWall = engine["wall"] as? Double ?? .nan

            let cpu = cli.userCPU + cli.systemCPU
            let perTask = cpu / Double(count) * 1000
            let rss = megabytes(Double(cli.peakRSS))
            let label = "flux-tui batch, \(count) tasks (\(taskSeconds) s each, --max-active \(maxActive), --wait --json)"
            report.add(label + ": client CPU per task", "\(fmt(perTask, 2)) ms (user \(fmt(cli.userCPU, 2)) s + system \(fmt(cli.systemCPU, 2)) s; "
                           + "\(ready) Ready, exit \(cli.status))", "<= 2 ms", pass: quick ? nil : perTask <= 2 && ready == count)
            report.add("  peak RSS", "\(fmt(rss, 1)) MB", "<= 80 MB", pass: rss <= 80)
            let ratio = cli.wall / engineWall
            report.add("  wall vs the same tasks through TaskEngine in process", "\(fmt(cli.wall, 1)) s vs \(fmt(engineWall, 1)) s "
                           + "(\(fmt((ratio - 1) * 100, 1)) %; engine CPU \(fmt(engine["cpu"] as? Double ?? .nan, 2)) s)",
                       "within 10 %", pass: quick ? nil : ratio <= 1.10)
            // The same batch writing its files to tmpfs: what is left is the client's own work,
            // without ext4 allocating 2,000 inodes and flushing them (the database stays on disk).
            let shm = URL(fileURLWithPath: "/dev/shm")
            if FileManager.default.isWritableFile(atPath: shm.path) {
                let out = shm.appendingPathComponent("flux-bench-batch-\(getpid())")
                defer { try? FileManager.default.removeItem(at: out) }
                let tmpfsEnvironment = environment.merging(["XDG_DATA_HOME": dir.appendingPathComponent("data-tmpfs").path]) { $1 }
                let fast = try runCLI(["batch", file.path, "--wait", "--json", "--max-active", String(maxActive), "--output", out.path],
                                      environment: tmpfsEnvironment, timeout: 600)
                let fastCPU = (fast.userCPU + fast.systemCPU) / Double(count) * 1000
                report.add("  same, images and sidecars written to tmpfs (/dev/shm)", "\(fmt(fastCPU, 2)) ms (user \(fmt(fast.userCPU, 2)) s + "
                               + "system \(fmt(fast.systemCPU, 2)) s)", "print it", pass: nil)
            }
            report.add("  requests per task beyond submit + download", "\(fmt(extra, 2)) (\(requests) requests in all)", "<= 1.5",
                       pass: extra <= 1.5)
        } catch {
            report.failed("flux-tui batch", error)
        }
    }
}
