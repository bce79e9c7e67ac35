import FluxAPI
import Foundation

/// One line of the results table.
struct Row {
    enum Status: String {
        case pass, miss, info, error
        case notBuilt = "not built"
    }

    let figure: String
    let value: String
    let target: String
    let status: Status

    var tsv: String {
        [figure, value, target, status.rawValue].map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t")
    }
}

struct Report {
    var rows: [Row] = []

    mutating func add(_ figure: String, _ value: String, _ target: String, pass: Bool?) {
        rows.append(Row(figure: figure, value: value, target: target, status: pass.map { $0 ? .pass : .miss } ?? .info))
    }

    mutating func failed(_ figure: String, _ error: Error) {
        let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        rows.append(Row(figure: figure, value: "error: " + text, target: "", status: .error))
        log("\(figure): \(error)")
    }
}

/// MB = 10^6 bytes throughout (throughput and memory), as in the targets.
func megabytes(_ bytes: Double) -> Double { bytes / 1e6 }

/// Every benchmark in turn. Each failure becomes an error row; the rest still run.
struct Suite {
    let tui: String
    let quick: Bool
    let only: String?

    func enabled(_ name: String) -> Bool {
        guard let only else { return true }
        return only.split(separator: ",").contains { $0 == name }
    }

    /// Rows come out in the order of the issue's table; the quick in-process figures run first,
    /// the 1 GiB upload (which churns the page cache) last.
    func run(_ report: inout Report) async {
        var encodeRows = Report()
        if enabled("encode") { encode(&encodeRows) }
        if enabled("preview") { preview(&encodeRows) }
        var pollerRows = Report()
        if enabled("poller") { poller(&pollerRows) }
        if enabled("startup") || enabled("keyframe") || enabled("idle") { await tmuxBenches(&report) }
        if enabled("tasks") { tasks(&report) }
        if enabled("batch") { batch(&report) }
        if enabled("upload") { upload(&report) }
        report.rows += encodeRows.rows + pollerRows.rows
    }

    // MARK: the app in tmux

    func tmuxBenches(_ report: inout Report) async {
        guard Tmux.isAvailable else {
            report.rows.append(Row(figure: "app in a terminal (start, key to frame, idle)", value: "tmux is not installed",
                                   target: "", status: .error))
            if enabled("keyframe") { keyFrameHeadless(&report) }
            return
        }
        let tmux: Tmux
        do { tmux = try Tmux(socket: "flux-bench-\(getpid())", environment: Tmux.cleanEnvironment()) } catch {
            report.failed("tmux", error)
            return
        }
        defer { tmux.shutdown() }
        let root: URL
        do { root = try makeTemporaryDirectory("app") } catch {
            report.failed("temporary folder", error)
            return
        }
        let apps = AppBenches(tui: tui, tmux: tmux, root: root)
        let runs = quick ? 3 : 10

        if enabled("startup") {
            for (tasks, target) in [(0, 80.0), (10_000, 120.0)] {
                let name = tasks == 0 ? "start to first painted frame, empty store (median of \(runs))"
                                      : "start to first painted frame, 10,000 tasks (median of \(runs))"
                log("startup with \(tasks) tasks")
                do {
                    let r = try apps.startup(tasks: tasks, runs: runs)
                    let m = median(r.appMilliseconds)
                    report.add(name, "\(fmt(m)) ms (min \(fmt(r.appMilliseconds.min() ?? .nan)), max \(fmt(r.appMilliseconds.max() ?? .nan)))",
                               "<= \(Int(target)) ms", pass: m <= target)
                    report.add("  same, spawn to header visible in the tmux pane (median of 3, polled)", "\(fmt(median(r.paneMilliseconds))) ms",
                               "", pass: nil)
                } catch {
                    report.failed(name, error)
                }
            }
        }

        if enabled("keyframe") {
            log("key press to frame (tmux 200x60)")
            keyFrameHeadless(&report)
            do {
                let r = try apps.keyFrame(taskCount: 10_000, keys: quick ? 300 : 1500)
                let total = r["total"] as? [String: Double] ?? [:]
                let p50 = total["p50"] ?? .nan, p99 = total["p99"] ?? .nan
                let w = r["width"] as? Int ?? 0, h = r["height"] as? Int ?? 0
                report.add("key press to painted frame, task list, 10,000 tasks, \(w)x\(h), p50 / p99",
                           "\(fmt(p50, 3)) / \(fmt(p99, 3)) ms", "<= 1 / <= 4 ms", pass: p50 <= 1 && p99 <= 4)
                func stage(_ name: String) -> String {
                    let s = r[name] as? [String: Double] ?? [:]
                    return "\(name) \(fmt(s["p50"] ?? .nan, 3))/\(fmt(s["p99"] ?? .nan, 3))"
                }
                report.add("  stages p50/p99 ms (present = diff + ncurses paint)",
                           ["update", "render", "compare", "present"].map(stage).joined(separator: ", ")
                               + ", \(fmt(r["cellsPerKey"] as? Double ?? .nan, 0)) cells/key", "", pass: nil)
            } catch {
                report.failed("key press to painted frame (terminal)", error)
            }
        }

        if enabled("idle") {
            let window = quick ? 10.0 : 30.0
            log("idle CPU over \(Int(window)) s")
            do {
                let r = try apps.idle(pending: 100, window: window, settle: quick ? 3 : 5)
                report.add("idle CPU over \(Int(r.window.rounded())) s, 100 pending tasks polled, task list shown",
                           "\(fmt(r.cpuPercent, 2)) % of one core", "<= 1 %", pass: r.cpuPercent <= 1)
                report.add("  polling load during the window",
                           "\(fmt(r.requestsPerSecond, 1)) requests/s; app peak RSS \(fmt(megabytes(Double(r.rssMiB) * 1_048_576), 1)) MB", "",
                           pass: nil)
            } catch {
                report.failed("idle CPU", error)
            }
        }
    }

    func keyFrameHeadless(_ report: inout Report) {
        do {
            let r = try KeyFrameBench.run(taskCount: 10_000, keyCount: quick ? 300 : 1500, terminal: false, paceMicroseconds: 0)
            let total = r["total"] as? [String: Double] ?? [:]
            report.add("  headless (update + render + compare + diff, no paint), p50 / p99",
                       "\(fmt(total["p50"] ?? .nan, 3)) / \(fmt(total["p99"] ?? .nan, 3)) ms", "", pass: nil)
        } catch {
            report.failed("key press to frame (headless)", error)
        }
    }

    // MARK: against a simulator process

    func tasks(_ report: inout Report) {
        let count = quick ? 200 : 1000
        log("\(count) tasks through the engine")
        do {
            // Short tasks, no latency; limits raised so the client, not the simulator's 24-task
            // limit, is what is measured.
            let simulator = try SimulatorProcess(environment: [
                "FLUX_SIM_TASK_SECONDS": "1", "FLUX_SIM_ACTIVE_LIMIT": String(count * 2), "FLUX_SIM_RENDER_THREADS": "1",
            ])
            defer { simulator.stop() }
            let dir = try makeTemporaryDirectory("tasks")
            let before = simulator.statistics()
            let r = try runHelper(["tasks", "--server", simulator.url, "--count", String(count), "--dir", dir.path], timeout: 240)
            let after = simulator.statistics()
            let requests = after.requests - before.requests
            let submits = after.tasks - before.tasks
            let downloads = after.samples - before.samples
            let extra = Double(requests - submits - downloads) / Double(count)
            let wall = r["wall"] as? Double ?? .nan
            let cpu = r["cpu"] as? Double ?? .nan
            let rss = megabytes(Double(r["peakRSS"] as? Int ?? 0))
            let done = r["done"] as? Int ?? 0
            let label = "\(count) tasks submitted, polled, downloaded (TaskEngine, 1 s tasks)"
            report.add(label + ": wall time", "\(fmt(wall, 2)) s (\(done) done, \(r["files"] as? Int ?? 0) files)",
                       "<= 5 s", pass: quick ? nil : wall <= 5 && done == count)
            report.add("  first / half of the tasks done after", "\(fmt(r["firstDoneSeconds"] as? Double ?? .nan, 2)) s / "
                           + "\(fmt(r["halfDoneSeconds"] as? Double ?? .nan, 2)) s (submits queued in \(fmt(r["submitSeconds"] as? Double ?? .nan, 2)) s)",
                       "", pass: nil)
            report.add("  client CPU time", "\(fmt(cpu, 2)) s (\(fmt(cpu / wall * 100, 0)) % of one core)", "", pass: nil)
            report.add("  requests per task beyond submit + download", "\(fmt(extra, 2)) (\(requests) requests in all)",
                       "<= 3", pass: extra <= 3)
            report.add("  client peak RSS", "\(fmt(rss, 1)) MB", "<= 80 MB", pass: rss <= 80)
        } catch {
            report.failed("\(count) tasks", error)
        }
    }

    func upload(_ report: inout Report) {
        // Just under the API's 1 GiB archive limit (FinetuneDataset.maxArchiveBytes counts headers).
        let images = quick ? 32 : 256
        let imageSize = 4 * 1024 * 1024 - 1024
        log("fine-tune upload of \(images) x 4 MiB")
        do {
            let folder = try makeTemporaryDirectory("upload/images")
            try ClientBenches.makeImageFolder(folder, count: images, size: imageSize)
            let simulator = try SimulatorProcess(environment: ["FLUX_SIM_MAX_BODY_MB": "1600", "FLUX_SIM_FINETUNE_SECONDS": "600"])
            defer { simulator.stop() }
            let r = try runHelper(["upload", "--server", simulator.url, "--folder", folder.path], timeout: 300)
            try? FileManager.default.removeItem(at: folder)
            let folderBytes = Double(r["folderBytes"] as? Int ?? 0)
            let scan = r["scanSeconds"] as? Double ?? .nan
            let stream = r["streamSeconds"] as? Double ?? .nan
            let response = r["responseSeconds"] as? Double ?? .nan
            let rate = megabytes(folderBytes) / (scan + stream)
            let rss = megabytes(Double(r["peakRSS"] as? Int ?? 0))
            let accepted = r["accepted"] as? Bool ?? false
            let size = "\(fmt(folderBytes / 1_073_741_824, 2)) GiB"
            report.add("fine-tune archive of a \(size) image folder, zipped + streamed as base64 JSON: throughput",
                       "\(fmt(rate, 0)) MB/s (scan \(fmt(scan, 2)) s, zip + stream \(fmt(stream, 2)) s\(accepted ? "" : ", NOT accepted"))",
                       ">= 200 MB/s", pass: rate >= 200 && accepted)
            report.add("  client peak RSS during zip + upload", "\(fmt(rss, 1)) MB", "<= 100 MB", pass: rss <= 100)
            report.add("  stream alone / simulator's answer after the last byte",
                       "\(fmt(megabytes(folderBytes) / stream, 0)) MB/s / \(fmt(response, 2)) s", "", pass: nil)
        } catch {
            report.failed("fine-tune upload", error)
        }
        // For comparison: the same kind of body built in memory and sent with submit(endpoint:body:).
        do {
            let root = try makeTemporaryDirectory("upload-memory")
            let folder = root.appendingPathComponent("images")
            try ClientBenches.makeImageFolder(folder, count: 16, size: imageSize)
            let archive = root.appendingPathComponent("archive.zip")
            _ = try ArchiveBuilder.build(FinetuneDataset.scan(folder), to: archive)
            let simulator = try SimulatorProcess(environment: ["FLUX_SIM_MAX_BODY_MB": "1600", "FLUX_SIM_FINETUNE_SECONDS": "600"])
            defer { simulator.stop() }
            let r = try runHelper(["upload-memory", "--server", simulator.url, "--archive", archive.path], timeout: 120)
            let body = Double(r["bodyBytes"] as? Int ?? 0)
            let raw = body * 3 / 4
            let seconds = (r["encodeSeconds"] as? Double ?? .nan) + (r["sendSeconds"] as? Double ?? .nan)
            report.add("  for comparison: 64 MiB archive in memory via submit(endpoint:body:)",
                       "\(fmt(megabytes(raw) / seconds, 0)) MB/s, peak RSS \(fmt(megabytes(Double(r["peakRSS"] as? Int ?? 0)), 0)) MB",
                       "", pass: nil)
        } catch {
            report.failed("in-memory upload", error)
        }
    }

    // MARK: in process

    func encode(_ report: inout Report) {
        log("base64 of a 20 MB image field")
        do {
            let r = try CoreBenches.encode(megabytes: 20, runs: quick ? 3 : 10)
            let gbps = r.bytesPerSecond / 1e9
            report.add("base64 of a 20 MB image field (RequestEncoder.encode, median of \(quick ? 3 : 10))",
                       "\(fmt(gbps, 2)) GB/s", ">= 1 GB/s", pass: gbps >= 1)
        } catch {
            report.failed("base64 encoding", error)
        }
    }

    /// Issue 9's figure, for the boxes the app asks for (TaskDetailView.previewBox sizes).
    func preview(_ report: inout Report) {
        log("preview of a 1024x768 JPEG")
        let runs = quick ? 5 : 30
        for (columns, rows, label) in [(24, 6, "detail pane at 80x24"), (56, 14, "detail pane at 200x60"), (200, 58, "full screen (p) at 200x60")] {
            do {
                let trueColor = try CoreBenches.preview(columns: columns, rows: rows, mode: .trueColor, runs: runs)
                let c256 = try CoreBenches.preview(columns: columns, rows: rows, mode: .c256, runs: runs)
                report.add("preview of a 1024x768 JPEG, \(label) (\(columns)x\(rows) cells; decode + scale + colours, median of \(runs))",
                           "\(fmt(trueColor, 1)) ms true colour / \(fmt(c256, 1)) ms 256 colours", "print it", pass: nil)
            } catch {
                report.failed("preview of a 1024x768 JPEG", error)
            }
        }
    }

    func poller(_ report: inout Report) {
        let cases = CoreBenches.pollModel()
        let polls = cases.map { Double($0.polls) }
        let delays = cases.map { $0.delay * 1000 }
        report.add("adaptive poller, model (typical 4-12 s, real duration 0.25x-5x typical): requests/task; detection delay median / p95",
                   "\(fmt(mean(polls), 1)) (max \(Int(polls.max() ?? 0))); \(fmt(median(delays), 0)) / \(fmt(percentile(delays, 95), 0)) ms",
                   "print it", pass: nil)
        log("poller against the simulator")
        do {
            let simulator = try SimulatorProcess(environment: ["FLUX_SIM_RENDER_THREADS": "1"])
            defer { simulator.stop() }
            let r = try runHelper(["poller-live", "--server", simulator.url, "--per-endpoint", quick ? "5" : "20"], timeout: 120)
            report.add("adaptive poller, live (\(r["tasks"] as? Int ?? 0) tasks, simulator default timing): requests/task; delay after Ready median / p95",
                       "\(fmt(r["pollsMean"] as? Double ?? .nan, 2)) (max \(fmt(r["pollsMax"] as? Double ?? .nan, 0))); "
                           + "\(fmt(r["delayMedianMs"] as? Double ?? .nan, 0)) / \(fmt(r["delayP95Ms"] as? Double ?? .nan, 0)) ms",
                       "print it", pass: nil)
        } catch {
            report.failed("adaptive poller, live", error)
        }
    }
}
