// flux-bench: speed and memory figures for the whole product (see docs/benchmarks.md).
//
// `flux-bench all --tui PATH` runs every benchmark and prints one tab-separated row per figure
// (figure, value, target, pass/miss) on stdout; `scripts/bench` builds in release and formats
// the table. The other subcommands are the helpers it starts in their own processes, so that
// the app's and the client's CPU and memory are measured apart from the simulator's.

import FluxAPI
import Foundation
import TaskStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let command = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "help"
let arguments = Array(CommandLine.arguments.dropFirst(2))

func option(_ name: String) -> String? {
    let arguments = Array(CommandLine.arguments.dropFirst(2))
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

func flag(_ name: String) -> Bool { CommandLine.arguments.dropFirst(2).contains(name) }

func require(_ name: String) -> String {
    guard let value = option(name) else {
        log("missing \(name)")
        exit(2)
    }
    return value
}

/// Runs a helper body and prints its result (or its error) as one JSON object.
func helper(_ body: () async throws -> [String: Any]) async {
    do { emit(try await body()) } catch { emit(["error": "\(error)"]) }
}

switch command {
case "exec-stamped":
    // exec-stamped STAMP -- COMMAND ARGS...: writes "PID MONOTONIC_NS" to STAMP, then execs.
    guard arguments.count >= 3, arguments[1] == "--" else {
        log("usage: flux-bench exec-stamped STAMP -- COMMAND [ARGS...]")
        exit(2)
    }
    let rest = Array(arguments[2...])
    try? "\(getpid()) \(monotonicNanoseconds())\n".write(toFile: arguments[0], atomically: false, encoding: .utf8)
    var argv: [UnsafeMutablePointer<CChar>?] = rest.map { strdup($0) }
    argv.append(nil)
    execv(rest[0], &argv)
    log("cannot exec \(rest[0]): \(String(cString: strerror(errno)))")
    exit(127)

case "sim-serve":
    do { try await ClientBenches.simServe() } catch {
        log("sim-serve: \(error)")
        exit(1)
    }

case "keyframe":
    let result: [String: Any]
    do {
        result = try KeyFrameBench.run(taskCount: Int(option("--tasks") ?? "") ?? 10_000, keyCount: Int(option("--keys") ?? "") ?? 1000,
                                       terminal: flag("--terminal"),
                                       paceMicroseconds: UInt32(option("--pace-us") ?? "") ?? (flag("--terminal") ? 3000 : 0))
    } catch {
        result = ["error": "\(error)"]
    }
    if let out = option("--out") {
        let data = (try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])) ?? Data()
        try? data.write(to: URL(fileURLWithPath: out + ".tmp"))
        rename(out + ".tmp", out)
    } else {
        emit(result)
    }

case "tasks":
    await helper {
        try await ClientBenches.tasks(server: require("--server"), count: Int(require("--count")) ?? 1000, directory: require("--dir"),
                                      maxActive: option("--max-active").flatMap { Int($0) })
    }

case "submit-running":
    await helper {
        try await ClientBenches.submitRunning(server: require("--server"), count: Int(require("--count")) ?? 100, storePath: require("--store"))
    }

case "upload":
    await helper { try await ClientBenches.upload(server: require("--server"), folder: require("--folder")) }

case "upload-memory":
    await helper { try await ClientBenches.uploadInMemory(server: require("--server"), archive: require("--archive")) }

case "poller-live":
    await helper { try await ClientBenches.pollerLive(server: require("--server"), perEndpoint: Int(option("--per-endpoint") ?? "") ?? 20) }

case "make-store":
    do { try Fixtures.writeStore(path: require("--path"), count: Int(require("--count")) ?? 0) } catch {
        log("make-store: \(error)")
        exit(1)
    }

case "store-load":
    // store-load --path FILE: how long reading every task takes (the app does it at start).
    do {
        let store = try TaskStore(path: require("--path"))
        var times: [Double] = []
        var count = 0
        for _ in 0..<5 {
            let t0 = monotonicNanoseconds()
            count = try store.tasks().count
            times.append(Double(monotonicNanoseconds() - t0) / 1e6)
        }
        say("store.tasks(): \(count) tasks, median \(fmt(median(times))) ms (runs: \(times.map { fmt($0) }.joined(separator: ", ")))")
    } catch {
        log("store-load: \(error)")
        exit(1)
    }

case "all":
    let tui = require("--tui")
    var report = Report()
    await Suite(tui: tui, quick: flag("--quick"), only: option("--only")).run(&report)
    removeTemporaryRoot()
    for row in report.rows { say(row.tsv) }

default:
    say("""
        usage: flux-bench all --tui PATH/flux-tui [--quick] [--only NAMES]   every figure, one TSV row each
               flux-bench keyframe [--terminal] [--tasks N] [--keys N]       key press to frame
               flux-bench make-store --path FILE --count N                   a task database with N tasks
        (helpers: exec-stamped, sim-serve, submit-running, tasks, upload, upload-memory, poller-live, store-load)
        """)
}
