import ArgumentParser
import FluxAPI
import FluxApp
import Foundation
import TaskStore

/// Many tasks in one process through the app's `TaskEngine`: one batch, stored in the app's task
/// database (so the app lists it, grouped, and can rerun it), submitted under the active limit,
/// polled by one poller. Unlike a single `submit`, whose in-memory store keeps no history, a
/// batch is worth finding again.
///
/// Output: with `--json` one object a task as it ends (JSONL) and a summary object last;
/// otherwise saved files on stdout and problems on stderr. Ctrl-C stops submitting (the queued
/// rest is marked "not sent") and keeps following what was sent; a second Ctrl-C stops waiting
/// (the app resumes those tasks when it next starts).
struct CommandLineBatch {
    let backend: Backend
    let output: OutputOptions
    let options: BatchOptions
    let json: Bool
    let wait: Bool

    /// How a batch ended, by the exit code it calls for.
    struct Tally: Sendable {
        var ready = 0
        var moderated = 0
        var failed = 0
        var other = 0
        var unsent = 0
        /// Sent and not ended when the command stopped (without --wait, or after a second Ctrl-C).
        var running = 0

        /// 3 when the server refused or failed any task, else 1 when anything else went wrong
        /// (not sent, submit or download failed), else 0.
        /// What the progress line shows: ready, ended otherwise, not sent, in flight.
        func progress(total: Int, active: Int) -> BatchProgress.Counts {
            BatchProgress.Counts(total: total, done: ready, failed: moderated + failed + other, active: active, unsent: unsent)
        }

        var exitCode: ExitCode? {
            if moderated + failed > 0 { return ExitCodes.taskFailed }
            if other + unsent > 0 { return ExitCodes.failure }
            return nil
        }
    }

    private enum Event: Sendable {
        case update(TaskEntry)
        /// Ctrl-C (`terminate` false) or SIGTERM / SIGHUP.
        case interrupt(terminate: Bool)
    }

    func run(_ batch: BatchEntry, requests: [PreparedRequest]) async throws -> Tally {
        let store: TaskStore
        let database = AppPaths().databaseFile.path
        do { store = try TaskStore(path: database) } catch {
            Console.error("flux-tui: cannot open the task database at \(database): \(error)")
            throw ExitCodes.failure
        }
        var settings = TaskEngine.Settings(outputDirectory: output.directory, naming: OutputNaming(pattern: output.pattern), repollDelay: nil)
        if let limit = try options.maxActive ?? Settings.config().maxActive { settings.maxActive = limit }
        let engine = TaskEngine(client: backend.client, store: store, settings: settings)

        let (events, sink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        let updates = engine.updates
        let forwarder = Task {
            for await update in updates { sink.yield(.update(update)) }
            sink.finish()
        }
        let progress = BatchProgress(enabled: true)
        let notices = engine.notices
        let printer = Task { for await notice in notices { Console.error("flux-tui: \(notice)") } }
        let interrupts = InterruptWatcher { sink.yield(.interrupt(terminate: $0 != SIGINT)) }

        let tasks = await engine.submit(batch: batch, requests: requests)
        let ids = Set(tasks.map(\.id))
        Console.error("flux-tui: batch \(batch.id): \(tasks.count) task\(tasks.count == 1 ? "" : "s") (\(batch.title))")
        var tally = Tally()
        var finals: Set<String> = []
        var reported: Set<String> = []
        var inFlight: Set<String> = []
        var interrupted = 0
        // Counted in the store: the updates of tasks just sent may still be on their way here.
        func sent() -> Int { (try? store.tasks(inBatch: batch.id).filter { !$0.phase.isFinal }.count) ?? inFlight.count }

        loop: for await event in events {
            switch event {
            case .interrupt(let terminate):
                interrupted += 1
                progress.clear()
                if terminate {
                    // Asked to end (kill, a closed terminal): nothing queued is left behind for the
                    // app to send at its next start; what was sent is in the task database, and the
                    // app follows it from there.
                    let unsent = await engine.cancelQueued()
                    tally.unsent += unsent
                    // A submit on the wire is let finish (for at most 10 s): cut off, the server
                    // might have the task while the database says it was never sent.
                    let deadline = Date().addingTimeInterval(10)
                    while Date() < deadline, (try? store.tasks(inBatch: batch.id).contains { $0.phase == .submitting }) == true {
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    Console.error("flux-tui: terminated: \(unsent) task\(unsent == 1 ? "" : "s") left unsent; \(sent()) sent still running \(followUp)")
                    break loop
                }
                if interrupted > 1 {
                    Console.error("flux-tui: stopped waiting; \(inFlight.count) sent task\(inFlight.count == 1 ? " is" : "s are") still running \(followUp)")
                    break loop
                }
                let unsent = await engine.cancelQueued()
                Console.error("flux-tui: interrupted: \(unsent) task\(unsent == 1 ? "" : "s") left unsent; waiting for the \(sent()) sent (Ctrl-C again to stop waiting)")
            case .update(let task):
                guard ids.contains(task.id), !finals.contains(task.id) else { continue }
                if task.phase.isFinal {
                    finals.insert(task.id)
                    inFlight.remove(task.id)
                    classify(task, into: &tally)
                    if reported.insert(task.id).inserted { report(task, batch: batch, progress: progress) }
                } else {
                    if task.phase != .queued { inFlight.insert(task.id) }
                    // Without --wait a task is reported once it is sent.
                    if !wait, task.remoteID != nil, reported.insert(task.id).inserted { report(task, batch: batch, progress: progress) }
                }
                let settled = wait ? finals.count : reported.count
                progress.show(tally.progress(total: tasks.count, active: inFlight.count), force: settled == ids.count)
                if settled == ids.count { break loop }
            }
        }
        interrupts.stop()
        progress.clear()
        await engine.shutdown()
        await forwarder.value
        await printer.value
        tally.running = inFlight.count
        let summary = summaryLine(tally, batch: batch, total: tasks.count)
        if json {
            Console.out(summaryJSON(tally, batch: batch, total: tasks.count).serialized())
        }
        Console.error("flux-tui: \(summary)")
        return tally
    }

    private func classify(_ task: TaskEntry, into tally: inout Tally) {
        switch task.phase {
        case .done:
            tally.ready += 1
        case .moderated:
            tally.moderated += 1
        case .failed where task.failure.map(Self.isServerFailure) == true:
            tally.failed += 1
        case .cancelled where task.remoteID == nil:
            tally.unsent += 1
        default:
            tally.other += 1
        }
    }

    private static func isServerFailure(_ failure: TaskFailure) -> Bool {
        if case .server = failure { return true }
        return false
    }

    /// One task's line: its JSON object, or its files on stdout and its problem on stderr.
    private func report(_ task: TaskEntry, batch: BatchEntry, progress: BatchProgress) {
        if json {
            var outcome = TaskOutcome(id: task.remoteID, endpoint: task.endpoint,
                                      status: task.remoteID == nil ? nil : task.statusText.map(TaskStatus.init),
                                      seed: task.seed, outputs: task.outputs)
            if task.phase != .done && task.phase.isFinal { outcome.error = task.error ?? task.statusText }
            guard case .object(var object) = outcome.json else { return }
            object["batch"] = .string(batch.id)
            object["index"] = task.batchIndex.map(JSONValue.int) ?? .null
            object["label"] = .string(batch.label(of: task))
            Console.out(JSONValue.object(object).serialized())
            return
        }
        switch task.phase {
        case .done:
            for path in task.outputs { Console.out(path) }
        case .cancelled where task.remoteID == nil:
            break  // counted in the interruption's message
        case _ where task.phase.isFinal:
            progress.clear()
            let what = task.error ?? task.statusText ?? task.phase.rawValue
            Console.error("flux-tui: task \(batch.label(of: task)) \(task.remoteID.map { "(\($0)) " } ?? "")ended: \(what)")
        default:
            if let id = task.remoteID { Console.out("submitted \(task.endpoint) task \(id)") }
        }
    }

    /// Who finishes what this command leaves running: the app, against a real server; nobody
    /// against the built-in simulator, which stops with the command.
    private var followUp: String {
        backend.isSimulator ? "(the built-in simulator stops with this command; use --wait)" : "(the app follows them when it next starts)"
    }

    private func summaryLine(_ tally: Tally, batch: BatchEntry, total: Int) -> String {
        var parts = ["\(tally.ready) of \(total) Ready"]
        if tally.moderated > 0 { parts.append("\(tally.moderated) moderated") }
        if tally.failed > 0 { parts.append("\(tally.failed) failed") }
        if tally.other > 0 { parts.append("\(tally.other) with other errors") }
        if tally.unsent > 0 { parts.append("\(tally.unsent) not sent") }
        if tally.running > 0 { parts.append("\(tally.running) still running \(followUp)") }
        return "batch \(batch.id): " + parts.joined(separator: ", ")
    }

    /// The last line of `--json` output: `"summary": true` tells it from the tasks' lines.
    private func summaryJSON(_ tally: Tally, batch: BatchEntry, total: Int) -> JSONValue {
        .object([
            "summary": .bool(true), "batch": .string(batch.id), "tasks": .int(total), "ready": .int(tally.ready),
            "moderated": .int(tally.moderated), "failed": .int(tally.failed), "other_errors": .int(tally.other),
            "unsent": .int(tally.unsent), "running": .int(tally.running),
        ])
    }
}
