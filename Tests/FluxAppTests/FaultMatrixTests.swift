import FluxAPI
import FluxSimulator
import Foundation
import TaskStore
import TestSupport
import Testing
@testable import FluxApp

/// The fault matrix (tracker issue 8): every fault the simulator can inject, through the real
/// client core and the `TaskEngine`, over real sockets. For each fault the same invariants hold:
/// - every submitted task ends final: its true status on the server (checked against a fault-free
///   poll afterwards) or a clear error;
/// - no task is created twice by a retry (`statistics.tasksCreated` against what the client knows);
/// - a submit whose answer was lost is reported as uncertain and not resent;
/// - no partial file ever has a final name in the output folder, and no temp file is left over.
///
/// The server outage lasts four seconds here instead of a minute: the code path is the same (the
/// transport's retry window runs out, the engine pauses polling and polls again after
/// `repollDelay`, until the server is back), only the two timers are shorter.
@Suite(.awaitsAfterTest) struct FaultMatrixTests {
    // MARK: the matrix through the TaskEngine

    enum Fault: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case serverErrorBurst, rateLimited, droppedConnections, slowPastTimeout, truncatedDownloads, expiredSampleURLs, serverAway
        var testDescription: String { rawValue }
    }

    /// How one fault is staged, and what the client may honestly report under it.
    struct Plan: Sendable {
        var simulator = SimulatorConfiguration(taskSeconds: 3, ultraMegapixels: 0.05)
        var timeouts = Timeouts(connect: 2, read: 5, request: 10)
        var retry = RetryPolicy(initialInterval: 0.1, factor: 1.5, maxInterval: 0.5, maxElapsed: 15, jitter: 0.2)
        /// Injected once the first tasks are accepted, for `windowSeconds`, while two more are submitted.
        var window: FaultConfiguration?
        /// Instead of `window`: the server goes away (suspend) for `windowSeconds`.
        var outage = false
        var windowSeconds = 0.0
        /// True when an uncertain submit did reach the server (drops and timeouts happen after the
        /// work); false when the fault means nothing was done (injected 5xx, refused connections).
        var uncertainSubmitsCreatedTasks = false
        /// Submits made during the window must end uncertain (their answers are lost).
        var lateSubmitsAreUncertain = false
        /// Every submit must end up accepted (the fault only delays it).
        var allAccepted = false
        /// A Ready task may end failed with a download error containing this text.
        var downloadFailure: String?
        /// After everything is final, clear the faults and retry the failed downloads.
        var retryDownloadsAfterwards = false

        static func plan(_ fault: Fault) -> Plan {
            var plan = Plan()
            switch fault {
            case .serverErrorBurst:
                plan.window = FaultConfiguration(serverErrorRate: 1, seed: 5, retryAfter: 1)
                plan.windowSeconds = 2.5
            case .rateLimited:
                plan.simulator.activeTaskLimit = 2
                plan.allAccepted = true
            case .droppedConnections:
                plan.window = FaultConfiguration(dropRate: 1)
                plan.windowSeconds = 2.5
                plan.uncertainSubmitsCreatedTasks = true
                plan.lateSubmitsAreUncertain = true
            case .slowPastTimeout:
                plan.timeouts = Timeouts(connect: 2, read: 1, request: 8)
                plan.window = FaultConfiguration(latency: 2)
                plan.windowSeconds = 3
                plan.uncertainSubmitsCreatedTasks = true
                plan.lateSubmitsAreUncertain = true
            case .truncatedDownloads:
                plan.simulator.faults = FaultConfiguration(truncateRate: 1)
                plan.allAccepted = true
                plan.downloadFailure = "truncated"
                plan.retryDownloadsAfterwards = true
            case .expiredSampleURLs:
                plan.simulator.sampleLifetime = 0
                plan.allAccepted = true
                plan.downloadFailure = "expired"
            case .serverAway:
                plan.outage = true
                plan.windowSeconds = 4
                // The retry window runs out during the outage: polling pauses and resumes.
                plan.retry.maxElapsed = 1
            }
            return plan
        }
    }

    /// Keeps every update the engine publishes.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var latestByID: [String: TaskEntry] = [:]
        private var history: [TaskEntry] = []
        func add(_ task: TaskEntry) { lock.withLock { latestByID[task.id] = task; history.append(task) } }
        var latest: [String: TaskEntry] { lock.withLock { latestByID } }
        var all: [TaskEntry] { lock.withLock { history } }
    }

    static func parameters(_ prompt: String) -> TaskParameters {
        TaskParameters(["prompt": .text(prompt), "width": .integer(256), "height": .integer(256)])
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes (a deadline, not a timing check).
    @discardableResult
    static func waitUntil(_ timeout: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test(arguments: Fault.allCases)
    func everyTaskEndsTrulyOnceAndNoPartialFileHasAFinalName(_ fault: Fault) async throws {
        let plan = Plan.plan(fault)
        let server = try await SimulatorServer.start(plan.simulator)
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("matrix-\(fault.rawValue)"),
                                                        timeouts: plan.timeouts, retryPolicy: plan.retry))
        let dir = Fixtures.temporaryDirectory("matrix-\(fault.rawValue)")
        let outputs = dir.appendingPathComponent("outputs")
        let store = try TaskStore(path: dir.appendingPathComponent("tasks.sqlite").path)
        let engine = TaskEngine(client: client, store: store,
                                settings: TaskEngine.Settings(outputDirectory: outputs, maxActive: 20, repollDelay: 0.5))
        let recorder = Recorder()
        let updates = engine.updates
        let feed = Task { for await task in updates { recorder.add(task) } }
        await engine.resume()
        defer { Fixtures.cleanup(dir) }

        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.1"))
        var initial: [String] = []
        for prompt in ["matrix ok a", "matrix ok b", "SIM_FAIL matrix", "SIM_MODERATE_CONTENT matrix"] {
            initial.append(await engine.submit(try RequestPreparer.prepare(endpoint, Self.parameters(prompt)).get()).id)
        }
        let accepted = await Self.waitUntil(20) {
            let latest = recorder.latest
            return initial.allSatisfy { latest[$0]?.remoteID != nil || latest[$0]?.phase.isFinal == true }
        }
        #expect(accepted, "the first submits were not answered")

        // The fault, while two more tasks are submitted and the first ones are being polled.
        if let window = plan.window { server.setFaults(window) }
        if plan.outage { await server.suspend() }
        var late: [String] = []
        for prompt in ["matrix late c", "matrix late d"] {
            late.append(await engine.submit(try RequestPreparer.prepare(endpoint, Self.parameters(prompt)).get()).id)
        }
        if plan.windowSeconds > 0 { try await Task.sleep(for: .milliseconds(Int(plan.windowSeconds * 1000))) }
        if plan.window != nil { server.setFaults(plan.simulator.faults) }
        if plan.outage { try await server.resume() }

        let ids = initial + late
        let settled = await Self.waitUntil(40) { ids.allSatisfy { recorder.latest[$0]?.phase.isFinal == true } }
        #expect(settled, "not every task ended: \(recorder.latest.values.map { "\($0.prompt ?? ""): \($0.phase)" })")

        if plan.retryDownloadsAfterwards {
            server.setFaults(.none)
            let failed = ids.filter { recorder.latest[$0]?.phase == .failed && recorder.latest[$0]?.remoteID != nil
                && recorder.latest[$0]?.error?.contains("download failed") == true }
            #expect(!failed.isEmpty, "the fault should have failed some downloads")
            for id in failed { await engine.retryDownload(id: id) }
            let redone = await Self.waitUntil(20) { failed.allSatisfy { recorder.latest[$0]?.phase == .done } }
            #expect(redone, "retried downloads did not finish")
        }

        let latest = recorder.latest
        let tasks = ids.compactMap { latest[$0] }
        #expect(tasks.count == ids.count)
        let acceptedTasks = tasks.filter { $0.remoteID != nil }
        let uncertain = tasks.filter { $0.phase == .uncertain }

        // Never submitted twice: one remote id per task, all different, and the server agrees.
        #expect(Set(acceptedTasks.compactMap(\.remoteID)).count == acceptedTasks.count)
        let expectedCreated = acceptedTasks.count + (plan.uncertainSubmitsCreatedTasks ? uncertain.count : 0)
        await Self.waitUntil(5) { server.statistics.tasksCreated >= expectedCreated }
        let stats = server.statistics
        #expect(stats.tasksCreated == expectedCreated,
                "server created \(stats.tasksCreated); client has \(acceptedTasks.count) accepted, \(uncertain.count) uncertain")
        #expect(stats.tasksCreated <= ids.count, "a retry created a second task")
        if plan.allAccepted { #expect(acceptedTasks.count == ids.count, "\(tasks.map { ($0.prompt ?? "", $0.error ?? "") })") }
        if plan.lateSubmitsAreUncertain {
            for id in late { #expect(latest[id]?.phase == .uncertain, "\(latest[id]?.phase.rawValue ?? "?"): \(latest[id]?.error ?? "")") }
        }

        // Tasks that never got an id: uncertain (never resent) or clearly not submitted.
        for task in tasks where task.remoteID == nil {
            let error = task.error ?? ""
            if task.phase == .uncertain {
                #expect(error.contains("it was not resent"), "\(error)")
                #expect(task.statusText == "Submit uncertain")
            } else {
                #expect(task.phase == .failed && task.statusText == "Not submitted", "\(task.phase): \(error)")
                #expect(!error.isEmpty)
            }
        }

        // Accepted tasks end with their true status (asked again once the faults are gone).
        server.setFaults(.none)
        for task in acceptedTasks {
            let truth = try await client.result(id: try #require(task.remoteID))
            switch truth.status {
            case .ready:
                if task.phase == .failed, let allowed = plan.downloadFailure {
                    #expect(task.error?.contains(allowed) == true, "\(task.error ?? "")")
                } else {
                    #expect(task.phase == .done, "\(task.prompt ?? ""): \(task.phase) \(task.error ?? "")")
                }
            case .error:
                #expect(task.phase == .failed && task.error?.contains("Simulated generation failure") == true, "\(task.error ?? "")")
            case .contentModerated, .requestModerated:
                #expect(task.phase == .moderated && task.statusText == truth.status.text)
            default:
                Issue.record("task \(task.remoteID ?? "") is \(truth.status.text) on the server after everything settled")
            }
        }

        // The store says the same, and nothing is left to resume.
        for task in tasks { #expect(try store.task(id: task.id)?.phase == task.phase) }
        #expect(try store.activeTasks().tasks.isEmpty)

        // Files: only complete images with final names, each with its sidecar; no temp files left.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outputs.path)) ?? []
        #expect(names.filter { $0.hasPrefix(".") }.isEmpty, "temp files left: \(names)")
        let images = names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".json") }
        let done = tasks.filter { $0.phase == .done }
        #expect(images.count == done.count, "\(images) for \(done.count) Ready tasks")
        let outputsByName = Set(done.flatMap(\.outputs).map { URL(fileURLWithPath: $0).lastPathComponent })
        for name in images {
            let data = try Data(contentsOf: outputs.appendingPathComponent(name))
            #expect(Self.isCompleteImage(data), "\(name) is partial (\(data.count) bytes)")
            #expect(outputsByName.contains(name), "\(name) belongs to no Ready task")
            let sidecar = outputs.appendingPathComponent(name).deletingPathExtension().appendingPathExtension("json")
            let json = try JSONValue.parse(try Data(contentsOf: sidecar))
            #expect(done.contains { $0.remoteID == json["task_id"]?.stringValue })
        }

        // The fault really happened.
        switch fault {
        case .serverErrorBurst: #expect(stats.injectedErrors > 0)
        case .rateLimited: #expect(stats.rejectedSubmits > 0, "the active limit should have answered 429")
        case .droppedConnections: #expect(stats.injectedDrops > 0)
        case .truncatedDownloads: #expect(stats.injectedTruncations > 0)
        case .serverAway:
            #expect(recorder.all.contains { $0.error?.hasPrefix("polling paused") == true },
                    "the outage outlasted the retry window, so polling should have paused and resumed")
        case .expiredSampleURLs:
            // Every URL is born expired: each task the server made Ready reports that, and none got an image.
            #expect(stats.samplesServed == 0, "an expired sample URL served an image")
            for task in tasks where !(task.prompt ?? "").hasPrefix("SIM_") {
                #expect(task.phase == .failed && task.error?.contains("expired") == true,
                        "\(task.prompt ?? ""): \(task.phase) \(task.error ?? "")")
            }
        case .slowPastTimeout: break
        }

        await engine.shutdown()
        feed.cancel()
        await client.shutdown()
        try? await server.shutdown()
    }

    /// A JPEG ends with EOI, a PNG with its IEND chunk: a cut-off download has neither.
    static func isCompleteImage(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return bytes.count > 20 && Array(bytes.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
        }
        if bytes.starts(with: [0xFF, 0xD8]) { return bytes.count > 4 && Array(bytes.suffix(2)) == [0xFF, 0xD9] }
        return false
    }

    // MARK: the same faults through the client core alone (the command line's path)

    static let quick = RetryPolicy(initialInterval: 0.05, factor: 1.5, maxInterval: 0.2, maxElapsed: 10, jitter: 0)

    static func start(_ tweak: (inout SimulatorConfiguration) -> Void = { _ in }, timeouts: Timeouts = Timeouts(),
                      retry: RetryPolicy = quick) async throws -> (SimulatorServer, FluxClient) {
        var configuration = SimulatorConfiguration(taskSeconds: 0.3, ultraMegapixels: 0.05)
        tweak(&configuration)
        let server = try await SimulatorServer.start(configuration)
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("core"),
                                                        timeouts: timeouts, retryPolicy: retry))
        return (server, client)
    }

    static func stop(_ server: SimulatorServer, _ client: FluxClient) async {
        await client.shutdown()
        try? await server.shutdown()
    }

    static func prepared(_ prompt: String = "core") throws -> PreparedRequest {
        try RequestPreparer.prepare(EndpointRegistry.endpoint(named: "flux-pro-1.1")!, parameters(prompt)).get()
    }

    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [RetryEvent] = []
        func add(_ e: RetryEvent) { lock.withLock { list.append(e) } }
        var all: [RetryEvent] { lock.withLock { list } }
    }

    @Test func a5xxSubmitIsRetriedOnlyAfter503AndOtherwiseReportedUncertain() async throws {
        let (server, client) = try await Self.start { $0.faults = FaultConfiguration(serverErrorRate: 1, seed: 9, retryAfter: 0) }
        afterTest { await Self.stop(server, client) }
        let events = Events()
        for i in 0..<6 {
            do {
                _ = try await client.submit(try Self.prepared("burst \(i)"), onRetry: { events.add($0) })
                Issue.record("a submit succeeded against a server answering only 5xx")
            } catch let error as FluxError {
                guard case .submitUncertain(let why) = error else { Issue.record("\(error)"); continue }
                #expect(why == "HTTP 500" || why == "HTTP 502", "\(why)")
                #expect(error.description.contains("Check your tasks before submitting again"))
            }
        }
        // Only a 503 (nothing was done) is ever resent; 500/502 stop the submit.
        #expect(events.all.allSatisfy { $0.outcome == .status(503) }, "\(events.all.map(\.outcome))")
        #expect(server.statistics.tasksCreated == 0)
        #expect(server.statistics.requests == 6 + events.all.count, "one request per attempt, no hidden resend")
    }

    @Test func a429IsRetriedAfterItsRetryAfterThenReportedClearly() async throws {
        // The first task holds the only slot for a minute: the second submit is answered 429 with
        // `Retry-After: 1` every time, is resent after exactly that long (nothing was created),
        // and when the retry window is spent the 429 is the error. (The matrix's rateLimited
        // case covers the slot freeing up and the submit going through.)
        let (server, client) = try await Self.start { $0.activeTaskLimit = 1; $0.taskSeconds = 60 }
        afterTest { await Self.stop(server, client) }
        _ = try await client.submit(try Self.prepared("first"))
        let events = Events()
        let window = RetryPolicy(initialInterval: 0.05, factor: 1.5, maxInterval: 0.2, maxElapsed: 2.5, jitter: 0)
        await #expect { try await client.submit(try Self.prepared("second"), retry: window, onRetry: { events.add($0) }) } throws: { error in
            guard case FluxError.api(429, _, _) = error else { return false }
            return (error as! FluxError).description.hasPrefix("too many active tasks or requests (HTTP 429)")
        }
        let retries = events.all
        #expect(!retries.isEmpty && retries.allSatisfy { $0.outcome == .status(429) }, "\(retries)")
        #expect(retries.allSatisfy { $0.delay == 1 }, "Retry-After: 1 wins over the backoff: \(retries.map(\.delay))")
        #expect(server.statistics.tasksCreated == 1)
        #expect(server.statistics.rejectedSubmits == retries.count + 1)
    }

    @Test func aSubmitWhoseAnswerIsDroppedIsUncertainAndSentOnce() async throws {
        let (server, client) = try await Self.start { $0.faults = FaultConfiguration(dropRate: 1) }
        afterTest { await Self.stop(server, client) }
        await #expect { try await client.submit(try Self.prepared()) } throws: { error in
            guard case FluxError.submitUncertain = error else { return false }
            return (error as! FluxError).description.contains("it was not resent")
        }
        #expect(server.statistics.requests == 1)
        #expect(server.statistics.tasksCreated == 1, "the work was done; only the answer was lost")
    }

    @Test func aSubmitSlowerThanTheTimeoutIsUncertainAndSentOnce() async throws {
        let (server, client) = try await Self.start({ $0.faults = FaultConfiguration(latency: 1.2) },
                                                    timeouts: Timeouts(connect: 2, read: 0.3, request: 5))
        afterTest { await Self.stop(server, client) }
        await #expect { try await client.submit(try Self.prepared()) } throws: { error in
            if case FluxError.submitUncertain = error { return true }
            return false
        }
        // The server finishes the request after the client gave up: the task exists.
        #expect(await Self.waitUntil(5) { server.statistics.tasksCreated == 1 })
        #expect(server.statistics.requests == 1)
        // A poll that times out is simply retried (GETs are safe): once the latency goes, it answers.
        let events = Events()
        server.setFaults(FaultConfiguration(latency: 1.2))
        let clearing = Task {
            try await Task.sleep(for: .milliseconds(1500))
            server.setFaults(.none)
        }
        let answer = try await client.transport.send(.GET, try client.apiURL("/v1/credits"), key: APIKey("core"), safety: .idempotent,
                                                     policy: Self.quick, onRetry: { events.add($0) })
        try await clearing.value
        #expect(answer.status == 200)
        #expect(events.all.contains { if case .lostAfterSending = $0.outcome { return true }; return false })
    }

    @Test func aSubmitToAServerThatIsAwayIsRetriedUntilItIsBackAndCreatedOnce() async throws {
        let (server, client) = try await Self.start(retry: RetryPolicy(initialInterval: 0.25, factor: 1.5, maxInterval: 0.5,
                                                                       maxElapsed: 10, jitter: 0))
        afterTest { await Self.stop(server, client) }
        await server.suspend()
        let events = Events()
        let submitting = Task { try await client.submit(try Self.prepared("outage"), onRetry: { events.add($0) }) }
        let ok = await Self.waitUntil(10) { events.all.count >= 2 }
        #expect(ok, "the refused submit should be retried")
        try await server.resume()
        let answer = try await submitting.value
        #expect(!answer.id.isEmpty)
        #expect(events.all.allSatisfy { if case .notSent = $0.outcome { return true }; return false }, "\(events.all.map(\.outcome))")
        #expect(server.statistics.tasksCreated == 1)

        // Polling through an outage shorter than the retry window just waits; a longer one is a
        // clear error (the CLI prints it; the engine pauses and polls again).
        let target = PollTarget(id: answer.id, pollingURL: answer.pollingURL, typicalSeconds: 0.4)
        await server.suspend()
        let back = Task { try await Task.sleep(for: .milliseconds(1200)); try await server.resume() }
        let final = try await ResultPoller.waitForFinal(client: client, target: target)
        try await back.value
        #expect(final.status == .ready)
        await server.suspend()
        let impatient = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("core"),
                                                           retryPolicy: RetryPolicy(initialInterval: 0.05, maxElapsed: 0.3)))
        await #expect { try await ResultPoller.waitForFinal(client: impatient, target: target) } throws: { error in
            guard case FluxError.transport(let why) = error else { return false }
            return (error as! FluxError).description.hasPrefix("cannot reach the server") && !why.isEmpty
        }
        await impatient.shutdown()
        try await server.resume()
    }

    /// Polls each task took to be seen ready, once all of `ids` are.
    static func pollsUntilReady(_ poller: ResultPoller, _ ids: Set<String>) async -> [String: Int] {
        var polls: [String: Int] = [:]
        for await event in poller.events {
            guard case .update(let id, let result, let count) = event, result.status.isFinal, ids.contains(id) else { continue }
            #expect(result.status == .ready)
            polls[id] = count
            if polls.count == ids.count { break }
        }
        return polls
    }

    @Test func tasksWaitingForTheirFirstPollArePolledSoonerOnceTasksOfTheirEndpointFinishFast() async throws {
        let (server, client) = try await Self.start { $0.taskSeconds = 0.1 }
        afterTest { await Self.stop(server, client) }
        let poller = ResultPoller(client: client)
        // Documented as 8 s: without learning, the first poll would come 4 s after submission.
        var waiting: Set<String> = []
        for i in 0..<4 {
            let answer = try await client.submit(try Self.prepared("slow \(i)"))
            waiting.insert(answer.id)
            // No probing here: this is about what finished tasks teach the waiting ones.
            await poller.track(PollTarget(id: answer.id, pollingURL: answer.pollingURL, typicalSeconds: 8, schedule: PollSchedule(), group: "g"))
        }
        let submitted = ContinuousClock.now
        // Three tasks of the same group, planned with a short time, finish at once and teach the
        // poller that the group takes about 0.2 s (kept at >= 8 / 8 = 1 s).
        for i in 0..<3 {
            let answer = try await client.submit(try Self.prepared("pilot \(i)"))
            await poller.track(PollTarget(id: answer.id, pollingURL: answer.pollingURL, typicalSeconds: 0.4, group: "g"))
        }
        let seen = await Self.pollsUntilReady(poller, waiting)
        let took = ContinuousClock.now - submitted
        await poller.stop()
        // Re-planned with about 1 s: first polls half a second after submission instead of four.
        #expect(took < .milliseconds(3500), "the waiting tasks were only polled after \(took)")
        #expect(seen.values.allSatisfy { $0 == 1 }, "\(seen)")
        #expect(await poller.learned.typical(for: "g", documented: 8) < 8 * 0.8)
    }

    /// Tasks found Ready at a first poll at the whole learned time only say "done by then": they
    /// are not learned from, and scouts (first poll at half of it) find out that the server got
    /// faster. Without both, the learned time could only ever grow.
    @Test(arguments: [true, false])
    func scoutsBringALearnedTimeDownWhenTasksGetFaster(scouts: Bool) async throws {
        let (server, client) = try await Self.start { $0.taskSeconds = 0.3 }
        afterTest { await Self.stop(server, client) }
        let poller = ResultPoller(client: client)
        let schedule = PollSchedule(scoutEvery: scouts ? 2 : nil)
        // Three pilots, documented as 2.4 s and not probed: first polled at 1.2 s, which is learned.
        func run(_ count: Int, typical: Double, _ schedule: PollSchedule) async throws {
            var ids: Set<String> = []
            for i in 0..<count {
                let answer = try await client.submit(try Self.prepared("scout \(i)"))
                ids.insert(answer.id)
                await poller.track(PollTarget(id: answer.id, pollingURL: answer.pollingURL, typicalSeconds: typical, schedule: schedule, group: "g"))
            }
            _ = await Self.pollsUntilReady(poller, ids)
        }
        try await run(3, typical: 2.4, PollSchedule())
        let before = await poller.learned.typical(for: "g", documented: 2.4)
        let samplesBefore = await poller.learned.count(for: "g")
        #expect(before > 1.0, "the pilots taught \(before) s")
        // The server takes 0.3 s: every task is done by its first poll.
        for _ in 0..<4 { try await run(4, typical: 2.4, schedule) }
        let after = await poller.learned.typical(for: "g", documented: 2.4)
        await poller.stop()
        if scouts {
            #expect(after < 0.9, "still planned with \(after) s after 8 scouts")
        } else {
            // Nothing new was learned: 16 tasks seen at their first poll left the figure alone.
            #expect(abs(after - before) < 0.05, "\(before) s became \(after) s")
            #expect(await poller.learned.count(for: "g") == samplesBefore)
        }
    }

    @Test func theFirstTaskOfAnEndpointProbesItsRealDurationForTheOthers() async throws {
        let (server, client) = try await Self.start { $0.taskSeconds = 0.3 }
        afterTest { await Self.stop(server, client) }
        let poller = ResultPoller(client: client)
        // Documented as 8 s (first poll at 4 s); the server takes 0.3 s.
        var ids: [String] = []
        for i in 0..<5 {
            let answer = try await client.submit(try Self.prepared("probe \(i)"))
            ids.append(answer.id)
            await poller.track(PollTarget(id: answer.id, pollingURL: answer.pollingURL, typicalSeconds: 8, group: "probe"))
        }
        let submitted = ContinuousClock.now
        let polls = await Self.pollsUntilReady(poller, Set(ids))
        let took = ContinuousClock.now - submitted
        await poller.stop()
        #expect(took < .milliseconds(3500), "done only after \(took)")
        // The probe (the first task) took a few polls; the rest were planned from it and polled once.
        #expect(polls[ids[0]].map { $0 >= 1 } == true)
        #expect(ids.dropFirst().allSatisfy { polls[$0] == 1 }, "\(polls)")
        // Only the probe taught a figure: the others, found Ready at a first poll at the learned
        // time, only say "done by then" (see `PollSchedule.scoutEvery`).
        #expect(await poller.learned.count(for: "probe") == 1)
    }

    @Test func taskNotFoundRightAfterSubmissionIsNotFinalButLaterItIs() async throws {
        let (server, client) = try await Self.start()
        afterTest { await Self.stop(server, client) }
        let poller = ResultPoller(client: client)
        // Just submitted (as far as the poller knows): a probe polls at once and keeps polling.
        await poller.track(PollTarget(id: "not-there-yet", pollingURL: nil, typicalSeconds: 4, group: "nf"))
        // Submitted long ago: the same answer is final.
        await poller.track(PollTarget(id: "long-gone", pollingURL: nil, typicalSeconds: 0.4,
                                      submittedAt: Date().addingTimeInterval(-60), schedule: PollSchedule()))
        let collecting = Task {
            var finals: [String] = []
            for await event in poller.events {
                if case .update(let id, let result, _) = event, result.status.isFinal {
                    #expect(result.status == .notFound)
                    finals.append(id)
                }
            }
            return finals
        }
        try await Task.sleep(for: .milliseconds(1500))
        let polled = await poller.requestCount
        await poller.stop()
        #expect(await collecting.value == ["long-gone"])
        #expect(polled >= 3, "the young task was polled \(polled - 1) times")
    }

    @Test func aTruncatedDownloadNeverGetsAFinalName() async throws {
        let (server, client) = try await Self.start { $0.faults = FaultConfiguration(truncateRate: 1) }
        afterTest { await Self.stop(server, client) }
        let dir = Fixtures.temporaryDirectory("core-truncate")
        defer { Fixtures.cleanup(dir) }
        let request = try Self.prepared("truncated")
        let answer = try await client.submit(request)
        let target = PollTarget(id: answer.id, pollingURL: answer.pollingURL, typicalSeconds: 0.4)
        let result = try await ResultPoller.waitForFinal(client: client, target: target)
        let record = TaskRecord(id: answer.id, endpoint: request.endpoint, parameters: request.parameters, submittedAt: Date())
        let saver = ResultSaver(downloader: ResultDownloader(transport: client.transport, attempts: 2))
        await #expect { try await saver.save(result, record: record, into: dir) { result } } throws: { error in
            guard case FluxError.download(let why) = error else { return false }
            return why.contains("truncated") || why.contains("connection broke")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no file at all, not even a temp one")
        #expect(server.statistics.injectedTruncations == 2)
        server.setFaults(.none)
        let files = try await saver.save(result, record: record, into: dir) { result }
        #expect(Self.isCompleteImage(try Data(contentsOf: files[0])))
    }

    @Test func anExpiredSampleURLIsRefreshedOnceThenReportedClearly() async throws {
        // A server that hands out a fresh URL on the next poll: the refresh path downloads it.
        let png = Fixtures.png(width: 8, height: 8)
        let scripted = try await ScriptedHTTPServer.start { request, _ in
            let host = request.header("host") ?? ""
            switch request.path {
            case "/v1/get_result":
                return .json(200, #"{"id":"exp-1","status":"Ready","result":{"sample":"http://\#(host)/fresh.png","seed":3}}"#)
            case "/stale.png": return .respond(status: 403, body: Data("<Error>AuthenticationFailed</Error>".utf8))
            case "/fresh.png": return .respond(status: 200, headers: [("content-type", "image/png")], body: png)
            default: return .json(404, #"{"detail":"Not Found"}"#)
            }
        }
        let client = try FluxClient(ClientConfiguration(serverURL: scripted.baseURL, apiKey: APIKey("core"), retryPolicy: Self.quick))
        let dir = Fixtures.temporaryDirectory("core-expired")
        defer { Fixtures.cleanup(dir); Task { await client.shutdown(); await scripted.shutdown() } }
        let request = try Self.prepared("expired")
        let record = TaskRecord(id: "exp-1", endpoint: request.endpoint, parameters: request.parameters, submittedAt: Date())
        let stale = ResultResponse(id: "exp-1", status: .ready, sampleURL: "http://127.0.0.1:\(scripted.port)/stale.png", seed: 3)
        let saver = ResultSaver(downloader: ResultDownloader(transport: client.transport))
        let files = try await saver.save(stale, record: record, into: dir) { try await client.result(id: "exp-1") }
        #expect(try Data(contentsOf: files[0]) == png)
        #expect(scripted.requests.map(\.path) == ["/stale.png", "/v1/get_result", "/fresh.png"], "403 is not retried blindly")

        // The simulator keeps the same URL: after the refresh, a clear "expired" error and no file.
        let (server, simClient) = try await Self.start { $0.sampleLifetime = 0 }
        afterTest { await Self.stop(server, simClient) }
        let answer = try await simClient.submit(request)
        let target = PollTarget(id: answer.id, pollingURL: answer.pollingURL, typicalSeconds: 0.4)
        let result = try await ResultPoller.waitForFinal(client: simClient, target: target)
        let empty = Fixtures.temporaryDirectory("core-expired-sim")
        defer { Fixtures.cleanup(empty) }
        let simSaver = ResultSaver(downloader: ResultDownloader(transport: simClient.transport))
        let simRecord = TaskRecord(id: answer.id, endpoint: request.endpoint, parameters: request.parameters, submittedAt: Date())
        await #expect { try await simSaver.save(result, record: simRecord, into: empty) { try await simClient.result(id: answer.id) } } throws: { error in
            guard case FluxError.resultExpired = error else { return false }
            return (error as! FluxError).description.contains("expired before it could be downloaded")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty)
    }
}
