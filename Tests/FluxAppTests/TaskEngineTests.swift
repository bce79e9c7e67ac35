import FluxAPI
import FluxSimulator
import Foundation
import TaskStore
import TestSupport
import Testing
@testable import FluxApp

/// The task engine against the real simulator over HTTP: queueing, polling, downloads,
/// persistence, and resuming what a previous run left behind.
@Suite struct TaskEngineTests {
    struct Rig {
        let server: SimulatorServer
        let client: FluxClient
        let store: TaskStore
        let dir: URL
        var outputs: URL { dir.appendingPathComponent("outputs") }

        func engine(maxActive: Int = 20) -> TaskEngine {
            TaskEngine(client: client, store: store,
                       settings: TaskEngine.Settings(outputDirectory: outputs, maxActive: maxActive, repollDelay: 0.5))
        }

        func shutdown() async {
            await client.shutdown()
            try? await server.shutdown()
            Fixtures.cleanup(dir)
        }
    }

    static func rig(taskSeconds: Double = 0.3, _ tweak: (inout SimulatorConfiguration) -> Void = { _ in }) async throws -> Rig {
        var configuration = SimulatorConfiguration(taskSeconds: taskSeconds, finetuneSeconds: 0.3, ultraMegapixels: 0.05)
        tweak(&configuration)
        let server = try await SimulatorServer.start(configuration)
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("engine-test"),
                                                        retryPolicy: RetryPolicy(initialInterval: 0.1, maxElapsed: 20)))
        let dir = Fixtures.temporaryDirectory("engine")
        let store = try TaskStore(path: dir.appendingPathComponent("tasks.sqlite").path)
        return Rig(server: server, client: client, store: store, dir: dir)
    }

    /// Collects updates until `done` says so (or 20 s pass).
    static func collect(_ engine: TaskEngine, until done: @escaping @Sendable ([String: TaskEntry]) -> Bool) async throws -> [TaskEntry] {
        let updates = engine.updates
        let watcher = Task { () -> [TaskEntry] in
            var seen: [TaskEntry] = []
            var latest: [String: TaskEntry] = [:]
            for await task in updates {
                seen.append(task)
                latest[task.id] = task
                if done(latest) { return seen }
            }
            return seen
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(20))
            watcher.cancel()
        }
        let result = await watcher.value
        timeout.cancel()
        return result
    }

    /// The last state of every task in a sequence of updates.
    static func latest(_ seen: [TaskEntry]) -> [String: TaskEntry] {
        var out: [String: TaskEntry] = [:]
        for task in seen { out[task.id] = task }
        return out
    }

    static func parameters(_ prompt: String, seed: Int? = nil) -> TaskParameters {
        var p = TaskParameters(["prompt": .text(prompt), "width": .integer(256), "height": .integer(256)])
        if let seed { p["seed"] = .integer(seed) }
        return p
    }

    /// A validated request, as the form hands it to the engine.
    static func request(_ endpoint: Endpoint, _ parameters: TaskParameters) throws -> PreparedRequest {
        try RequestPreparer.prepare(endpoint, parameters).get()
    }

    @Test func aSubmittedTaskIsPolledDownloadedAndStored() async throws {
        let rig = try await Self.rig()
        let engine = rig.engine()
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let created = await engine.submit(try Self.request(endpoint, Self.parameters("a lighthouse", seed: 42)))
        let id = created.id
        let seen = try await Self.collect(engine) { $0[id]?.phase.isFinal == true }
        let final = try #require(seen.last)
        #expect(final.phase == .done, "\(final.error ?? "")")
        #expect(final.seed == 42)
        #expect(final.outputs.count == 1)
        #expect(FileManager.default.fileExists(atPath: final.outputs[0]))
        #expect(seen.map(\.phase).first == .queued)
        #expect(seen.contains { $0.phase == .running })
        let stored = try #require(try rig.store.task(id: created.id))
        #expect(stored.phase == .done && stored.outputs == final.outputs && stored.remoteID != nil)
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func submitsQueueUnderTheActiveLimit() async throws {
        let rig = try await Self.rig(taskSeconds: 0.4)
        let engine = rig.engine(maxActive: 2)
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.1"))
        var ids: [String] = []
        for i in 0..<5 { ids.append(await engine.submit(try Self.request(endpoint, Self.parameters("task \(i)"))).id) }
        let allIDs = ids
        let seen = try await Self.collect(engine) { tasks in allIDs.allSatisfy { tasks[$0]?.phase.isFinal == true } }
        // Replay the updates: never more than two tasks in flight at once.
        var state: [String: TaskEntry] = [:]
        var maxInFlight = 0
        for task in seen {
            state[task.id] = task
            maxInFlight = max(maxInFlight, state.values.filter { $0.phase == .submitting || $0.phase == .running }.count)
        }
        let latest = state
        #expect(maxInFlight <= 2)
        #expect(ids.allSatisfy { latest[$0]?.phase == .done })
        #expect(rig.server.statistics.rejectedSubmits == 0, "queueing, not 429 storms")
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func moderatedAndFailedTasksEndThatWay() async throws {
        let rig = try await Self.rig()
        let engine = rig.engine()
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let moderated = await engine.submit(try Self.request(endpoint, Self.parameters("SIM_MODERATE_CONTENT")))
        let failed = await engine.submit(try Self.request(endpoint, Self.parameters("SIM_FAIL")))
        let ids = [moderated.id, failed.id]
        let latest = Self.latest(try await Self.collect(engine) { tasks in ids.allSatisfy { tasks[$0]?.phase.isFinal == true } })
        #expect(latest[moderated.id]?.phase == .moderated)
        #expect(latest[moderated.id]?.statusText == "Content Moderated")
        #expect(latest[moderated.id]?.failure == .server(.contentModerated))
        #expect(latest[failed.id]?.phase == .failed)
        #expect(latest[failed.id]?.error?.isEmpty == false)
        #expect(latest[failed.id]?.failure == .server(.error))
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func aRestartResumesWhatWasLeftBehind() async throws {
        let rig = try await Self.rig(taskSeconds: 0.5)
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        // A task submitted by a previous run that was still running when it stopped.
        let prepared = try Self.request(endpoint, Self.parameters("left running", seed: 7))
        let answer = try await rig.client.submit(prepared)
        let running = TaskEntry(remoteID: answer.id, endpoint: endpoint.id, parameters: Self.parameters("left running", seed: 7),
                                phase: .running, statusText: "Pending", pollingURL: answer.pollingURL, submittedAt: Date())
        // One cut off mid-download, one still queued, one cut off mid-submit.
        let answer2 = try await rig.client.submit(prepared)
        let downloading = TaskEntry(remoteID: answer2.id, endpoint: endpoint.id, parameters: Self.parameters("left downloading"),
                                    phase: .downloading, pollingURL: answer2.pollingURL, submittedAt: Date())
        let queued = TaskEntry(endpoint: endpoint.id, parameters: Self.parameters("left queued"), phase: .queued)
        let submitting = TaskEntry(endpoint: endpoint.id, parameters: Self.parameters("left submitting"), phase: .submitting)
        // Queued tasks are prepared again when their turn comes: this one's image is gone.
        let fill = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.0-fill"))
        let gone = TaskEntry(endpoint: fill.id, parameters: TaskParameters(["image": .file("/nonexistent/photo.png")]), phase: .queued)
        try rig.store.save([running, downloading, queued, submitting, gone])
        // A partial download the killed run left in the output folder.
        try FileManager.default.createDirectory(at: rig.outputs, withIntermediateDirectories: true)
        let partial = rig.outputs.appendingPathComponent(".flux-dev-x.part-1234")
        try Data("partial".utf8).write(to: partial)

        let engine = rig.engine()
        let ids = [running.id, downloading.id, queued.id, submitting.id, gone.id]
        let collecting = Task { try await Self.collect(engine) { tasks in ids.allSatisfy { tasks[$0]?.phase.isFinal == true } } }
        await engine.resume()
        let latest = Self.latest(try await collecting.value)
        #expect(latest[running.id]?.phase == .done)
        #expect(latest[running.id]?.seed == 7)
        #expect(latest[downloading.id]?.phase == .done)
        #expect(latest[queued.id]?.phase == .done)
        #expect(latest[submitting.id]?.phase == .uncertain, "never resent blindly")
        #expect(latest[submitting.id]?.error?.contains("may exist on the server") == true)
        #expect(latest[gone.id]?.phase == .failed)
        #expect(latest[gone.id]?.error?.contains("no file at /nonexistent/photo.png") == true)
        for id in [running.id, downloading.id, queued.id] {
            let path = try #require(latest[id]?.outputs.first)
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: partial.path))
        #expect(try rig.store.activeTasks().tasks.isEmpty)
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func aFailedDownloadCanBeRetried() async throws {
        let rig = try await Self.rig { $0.faults = FaultConfiguration(truncateRate: 1.0) }
        let engine = TaskEngine(client: rig.client, store: rig.store,
                                settings: TaskEngine.Settings(outputDirectory: rig.outputs, maxActive: 4, repollDelay: 0.5))
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let created = await engine.submit(try Self.request(endpoint, Self.parameters("truncated")))
        let id = created.id
        let seen = try await Self.collect(engine) { $0[id]?.phase.isFinal == true }
        #expect(seen.last?.phase == .failed)
        #expect(seen.last?.error?.contains("download failed") == true)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: rig.outputs.path)) ?? []).filter { !$0.hasPrefix(".") }.isEmpty,
                "no partial file with a final name")
        rig.server.setFaults(FaultConfiguration())
        let retried = Task { try await Self.collect(engine) { $0[id]?.phase == .done } }
        try await Task.sleep(for: .milliseconds(50))
        await engine.retryDownload(id: created.id)
        let after = try await retried.value
        #expect(after.last?.phase == .done)
        #expect(after.last?.outputs.count == 1)
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func tasksFinishingTogetherAreDownloadedSideBySide() async throws {
        // Every answer takes 0.3 s: one download at a time would keep the others waiting.
        let rig = try await Self.rig(taskSeconds: 0.2) { $0.faults = FaultConfiguration(latency: 0.3) }
        let engine = rig.engine(maxActive: 6)
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.1"))
        var ids: [String] = []
        for i in 0..<6 { ids.append(await engine.submit(try Self.request(endpoint, Self.parameters("together \(i)"))).id) }
        let allIDs = ids
        let seen = try await Self.collect(engine) { tasks in allIDs.allSatisfy { tasks[$0]?.phase.isFinal == true } }
        var state: [String: TaskPhase] = [:]
        var mostDownloading = 0
        for task in seen {
            state[task.id] = task.phase
            mostDownloading = max(mostDownloading, state.values.filter { $0 == .downloading }.count)
        }
        // One at a time, each task was marked downloading only once the one before was done.
        #expect(mostDownloading >= 2, "downloads ran one at a time")
        #expect(allIDs.allSatisfy { state[$0] == .done }, "\(state)")
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func aDownloadCutOffByShutdownIsFetchedAgainNotFailed() async throws {
        let rig = try await Self.rig(taskSeconds: 0.1)
        let engine = rig.engine()
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.1"))
        let created = await engine.submit(try Self.request(endpoint, Self.parameters("cut off")))
        _ = try await Self.collect(engine) { $0[created.id]?.phase == .running }
        // From now on every answer takes 3 s: the download is still running at shutdown.
        rig.server.setFaults(FaultConfiguration(latency: 3))
        let seen = try await Self.collect(engine) { $0[created.id]?.phase == .downloading }
        #expect(seen.last?.phase == .downloading)
        await engine.shutdown()
        try await Task.sleep(for: .milliseconds(200))
        let stored = try #require(try rig.store.task(id: created.id))
        #expect(stored.phase == .downloading, "\(stored.phase): \(stored.error ?? "")")
        // The next start polls it again and downloads it.
        rig.server.setFaults(FaultConfiguration())
        let again = rig.engine()
        let finished = Task { try await Self.collect(again) { $0[created.id]?.phase == .done } }
        try await Task.sleep(for: .milliseconds(20))
        await again.resume()
        #expect(try await finished.value.last?.phase == .done)
        await again.shutdown()
        await rig.shutdown()
    }

    @Test func aFailedDownloadFromAnEarlierSessionCanBeRetried() async throws {
        let rig = try await Self.rig { $0.faults = FaultConfiguration(truncateRate: 1.0) }
        let first = rig.engine()
        await first.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let created = await first.submit(try Self.request(endpoint, Self.parameters("retried later")))
        let failed = try await Self.collect(first) { $0[created.id]?.phase.isFinal == true }
        #expect(failed.last?.phase == .failed)
        await first.shutdown()
        // The next session: the task is only in the store.
        rig.server.setFaults(FaultConfiguration())
        let second = rig.engine()
        await second.resume()
        let done = Task { try await Self.collect(second) { $0[created.id]?.phase == .done } }
        try await Task.sleep(for: .milliseconds(50))
        await second.retryDownload(id: created.id)
        let after = try await done.value
        #expect(after.last?.phase == .done, "\(after.last.map { "\($0.phase) \($0.error ?? "")" } ?? "no update")")
        #expect(after.last?.outputs.count == 1)
        await second.shutdown()
        await rig.shutdown()
    }

    // MARK: what the command line uses

    @Test func aTaskSubmittedElsewhereIsFollowedAndDownloaded() async throws {
        let rig = try await Self.rig()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let answer = try await rig.client.submit(try Self.request(endpoint, Self.parameters("followed", seed: 9)))
        let engine = rig.engine()
        let followed = await engine.watch(remoteID: answer.id, endpoint: endpoint, pollingURL: answer.pollingURL)
        let id = followed.id
        let final = try #require(try await Self.collect(engine) { $0[id]?.phase.isFinal == true }.last)
        #expect(final.phase == .done, "\(final.error ?? "")")
        #expect(final.remoteID == answer.id && final.seed == 9)
        #expect(FileManager.default.fileExists(atPath: try #require(final.outputs.first)))
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func aFinetuneFromAFolderIsDoneWhenReadyWithNothingToDownload() async throws {
        let rig = try await Self.rig()
        let dir = Fixtures.temporaryDirectory("ft-ready")
        defer { Fixtures.cleanup(dir) }
        for i in 1...5 { Fixtures.write(Fixtures.png(width: 16, height: 16), "t\(i).png", in: dir) }
        let finetune = try #require(EndpointRegistry.endpoint(named: "finetune"))
        let request = try Self.request(finetune, TaskParameters(["file_data": .file(dir.path), "finetune_comment": .text("ready"),
                                                                 "mode": .text("style"), "iterations": .integer(100)]))
        #expect(request.dataset?.images.count == 5)
        let engine = rig.engine()
        let id = await engine.submit(request).id
        let final = try #require(try await Self.collect(engine) { $0[id]?.phase.isFinal == true }.last)
        #expect(final.phase == .done && final.statusText == "Ready", "\(final.phase): \(final.error ?? "")")
        #expect(final.outputs.isEmpty)
        #expect(try rig.store.finetunes().map(\.id) == [try #require(final.remoteID)])
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func withoutARepollDelayATaskWhosePollingGivesUpFails() async throws {
        let rig = try await Self.rig(taskSeconds: 5)
        let client = try FluxClient(ClientConfiguration(serverURL: rig.server.baseURL, apiKey: APIKey("engine-test"),
                                                        retryPolicy: RetryPolicy(initialInterval: 0.1, maxElapsed: 0.5)))
        let engine = TaskEngine(client: client, store: rig.store,
                                settings: TaskEngine.Settings(outputDirectory: rig.outputs, repollDelay: nil))
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let id = await engine.submit(try Self.request(endpoint, Self.parameters("server goes away"))).id
        _ = try await Self.collect(engine) { $0[id]?.phase == .running }
        await rig.server.suspend()
        let final = try #require(try await Self.collect(engine) { $0[id]?.phase.isFinal == true }.last)
        #expect(final.phase == .failed)
        guard case .polling? = final.failure else { Issue.record("failure: \(String(describing: final.failure))"); return }
        #expect(final.error?.hasPrefix("polling stopped: cannot reach the server") == true, "\(final.error ?? "")")
        await engine.shutdown()
        await client.shutdown()
        try await rig.server.resume()
        await rig.shutdown()
    }
}

/// A batch through the engine: stored with its tasks, submitted under the active limit in batch
/// order, every task ending with its files; Ctrl-C's `cancelQueued` leaves the unsent ones out.
@Suite struct TaskEngineBatchTests {
    @Test func aBatchRunsToTheEndInOrderUnderTheLimit() async throws {
        let rig = try await TaskEngineTests.rig(taskSeconds: 0.2)
        let engine = rig.engine(maxActive: 3)
        await engine.resume()
        let dev = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let requests = try (1...7).map { try TaskEngineTests.request(dev, TaskEngineTests.parameters("fox", seed: $0)) }
        let batch = BatchEntry(endpoint: "flux-dev", title: "flux-dev: 7 seed", variedFields: ["seed"], taskCount: 7)
        let queued = await engine.submit(batch: batch, requests: requests)
        #expect(queued.map(\.batchIndex) == Array(0..<7))
        #expect(try rig.store.tasks(inBatch: batch.id).count == 7, "the batch is stored before anything is sent")
        let seen = try await TaskEngineTests.collect(engine) { latest in latest.count == 7 && latest.values.allSatisfy { $0.phase.isFinal } }
        let final = TaskEngineTests.latest(seen)
        #expect(final.values.allSatisfy { $0.phase == .done && !$0.outputs.isEmpty })
        // Never more than three in flight at once, and submitted in batch order.
        var inFlight: Set<String> = []
        var most = 0
        var submitOrder: [Int] = []
        for update in seen {
            if update.phase == .submitting || update.phase == .running { inFlight.insert(update.id) } else { inFlight.remove(update.id) }
            most = max(most, inFlight.count)
            if update.phase == .submitting, let index = update.batchIndex, !submitOrder.contains(index) { submitOrder.append(index) }
        }
        #expect(most <= 3)
        #expect(submitOrder == Array(0..<7))
        #expect(try rig.store.tasks(inBatch: batch.id).map(\.seed) == Array(1...7))
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func cancellingTheQueueLeavesWhatWasSentRunning() async throws {
        let rig = try await TaskEngineTests.rig(taskSeconds: 0.5)
        let engine = rig.engine(maxActive: 2)
        await engine.resume()
        let dev = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let requests = try (1...6).map { try TaskEngineTests.request(dev, TaskEngineTests.parameters("fox", seed: $0)) }
        let batch = BatchEntry(endpoint: "flux-dev", title: "t", variedFields: ["seed"], taskCount: 6)
        await engine.submit(batch: batch, requests: requests)
        #expect(await engine.cancelQueued() == 4)
        let seen = try await TaskEngineTests.collect(engine) { latest in latest.count == 6 && latest.values.allSatisfy { $0.phase.isFinal } }
        let final = TaskEngineTests.latest(seen).values.sorted { ($0.batchIndex ?? 0) < ($1.batchIndex ?? 0) }
        #expect(final.map(\.phase) == [.done, .done, .cancelled, .cancelled, .cancelled, .cancelled])
        #expect(final.dropFirst(2).allSatisfy { $0.remoteID == nil && $0.error == "not sent: stopped before its turn" })
        await engine.shutdown()
        await rig.shutdown()
    }
}
