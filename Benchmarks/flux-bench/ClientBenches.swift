import FluxAPI
import FluxApp
import FluxSimulator
import Foundation
import TaskStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helpers that run in their own process (see `main.swift`): the simulator, and clients whose CPU
/// and memory must not include the simulator's.
enum ClientBenches {
    // MARK: simulator process

    /// Serves until stdin closes; prints its URL first, then one JSON line per `stats` request.
    static func simServe() async throws {
        let configuration = try SimulatorConfiguration.parseEnvironment()
        let server = try await SimulatorServer.start(configuration)
        say(server.baseURL.absoluteString)
        let thread = Thread {
            while let line = Swift.readLine() {
                if line == "stats" {
                    let s = server.statistics
                    say(#"{"requests":\#(s.requests),"tasks":\#(s.tasksCreated),"samples":\#(s.samplesServed),"rejected":\#(s.rejectedSubmits)}"#)
                }
            }
            exit(0)
        }
        thread.start()
        await server.waitUntilShutdown()
    }

    static func client(_ server: String) throws -> FluxClient {
        guard let url = URL(string: server) else { throw BenchError("bad server URL \(server)") }
        return try FluxClient(ClientConfiguration(serverURL: url, apiKey: APIKey("bench")))
    }

    // MARK: 1,000 tasks through the app's engine

    /// Submits `count` flux-dev tasks through `TaskEngine` (as the app does: SQLite store, poller,
    /// downloads to disk) and waits until every one is downloaded.
    /// `maxActive` nil: every task at once (the client, not the limit, is what is measured).
    static func tasks(server: String, count: Int, directory: String, maxActive: Int? = nil) async throws -> [String: Any] {
        let client = try client(server)
        let dir = URL(fileURLWithPath: directory)
        let store = try TaskStore(path: dir.appendingPathComponent("tasks.sqlite").path)
        let engine = TaskEngine(client: client, store: store,
                                settings: TaskEngine.Settings(outputDirectory: dir.appendingPathComponent("outputs"), maxActive: maxActive ?? count))
        await engine.resume()
        guard let endpoint = EndpointRegistry.endpoint(named: "flux-dev") else { throw BenchError("no flux-dev") }
        let cpu0 = processCPUSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<count {
            // Validated here, as the app's form does before it hands a request to the engine.
            guard case .success(let request) = RequestPreparer.prepare(endpoint, TaskParameters([
                "prompt": .text("benchmark \(i): a lighthouse on a cliff at dawn"), "seed": .integer(i),
                "width": .integer(256), "height": .integer(256), "output_format": .text("jpeg"),
            ])) else { throw BenchError("benchmark request \(i) is invalid") }
            await engine.submit(request)
        }
        let submitted = clock.now
        var finished: [String: TaskPhase] = [:]
        var firstDone = 0.0
        var halfDone = 0.0
        for await task in engine.updates where task.phase.isFinal {
            finished[task.id] = task.phase
            if finished.count == 1 { firstDone = seconds(clock.now - start) }
            if finished.count == count / 2 { halfDone = seconds(clock.now - start) }
            if finished.count == count { break }
        }
        let wall = seconds(clock.now - start)
        let cpu = processCPUSeconds() - cpu0
        let done = finished.values.filter { $0 == .done }.count
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("outputs").path))?
            .filter { $0.hasSuffix(".jpg") }.count ?? 0
        await engine.shutdown()
        await client.shutdown()
        return ["wall": wall, "submitSeconds": seconds(submitted - start), "firstDoneSeconds": firstDone, "halfDoneSeconds": halfDone,
                "cpu": cpu, "done": done, "files": files,
                "peakRSS": peakRSS()]
    }

    // MARK: tasks left running by an earlier session

    /// Submits `count` flux-dev tasks to the server and writes them into a new task database as
    /// running, as a previous session of the app would have left them: the app resumes polling
    /// every one at start (the config's max_active, at most 24, only limits new submits).
    static func submitRunning(server: String, count: Int, storePath: String) async throws -> [String: Any] {
        let client = try client(server)
        guard let endpoint = EndpointRegistry.endpoint(named: "flux-dev") else { throw BenchError("no flux-dev") }
        try? FileManager.default.removeItem(atPath: storePath)
        let store = try TaskStore(path: storePath)
        var tasks: [TaskEntry] = []
        for i in 0..<count {
            let parameters = TaskParameters(["prompt": .text("idle benchmark \(i): a lighthouse on a cliff at dawn"),
                                             "seed": .integer(1000 + i), "width": .integer(256), "height": .integer(256)])
            guard case .success(let prepared) = RequestPreparer.prepare(endpoint, parameters) else {
                throw BenchError("invalid idle benchmark parameters")
            }
            let answer = try await client.submit(prepared)
            tasks.append(TaskEntry(remoteID: answer.id, endpoint: endpoint.id, parameters: parameters, phase: .running,
                                   statusText: answer.status ?? "Pending", seed: 1000 + i, pollingURL: answer.pollingURL,
                                   cost: answer.cost, submittedAt: Date()))
        }
        try store.save(tasks)
        await client.shutdown()
        return ["tasks": tasks.count]
    }

    // MARK: fine-tune upload

    /// A folder of `count` JPEG-shaped files of `size` bytes each (a real JPEG header, then
    /// incompressible bytes like an entropy-coded scan), with a caption each.
    static func makeImageFolder(_ folder: URL, count: Int, size: Int) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let header: [UInt8] = [
            0xFF, 0xD8,  // SOI
            0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,  // APP0 JFIF
            0xFF, 0xC0, 0x00, 0x11, 0x08, 0x0C, 0x00, 0x10, 0x00, 0x03,  // SOF0 3072 x 4096, 3 components
            0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
            0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00,  // SOS
        ]
        for i in 0..<count {
            var bytes = randomBytes(size, seed: UInt64(i + 1))
            bytes.replaceSubrange(0..<header.count, with: header)
            bytes[size - 2] = 0xFF
            bytes[size - 1] = 0xD9  // EOI
            let name = String(format: "photo_%04d", i)
            try Data(bytes).write(to: folder.appendingPathComponent(name + ".jpg"))
            try Data("a photo of TOK, sample \(i)".utf8).write(to: folder.appendingPathComponent(name + ".txt"))
        }
    }

    /// The fine-tune path as the app takes it: scan the folder (`FinetuneDataset.scan`), then
    /// stream its ZIP, made on the way, base64-encoded inside the JSON body
    /// (`FluxClient.submitFinetune(source: .zip(plan))`, no temporary file).
    static func upload(server: String, folder: String) async throws -> [String: Any] {
        let client = try client(server)
        let folderURL = URL(fileURLWithPath: folder)
        let clock = ContinuousClock()
        let rss0 = peakRSS()
        let t0 = clock.now
        let dataset = FinetuneDataset.scan(folderURL)
        guard dataset.canUpload else { throw BenchError("dataset rejected: \(dataset.issues.errors.map(\.message))") }
        let plan = try ZipPlan(dataset: dataset)
        let t1 = clock.now
        let lastByte = LockedValue<ContinuousClock.Instant?>(nil)
        let parameters = TaskParameters(["finetune_comment": .text("bench"), "mode": .text("general"), "trigger_word": .text("TOK")])
        let answer = try await client.submitFinetune(source: .zip(plan), parameters: parameters) { sent, total in
            if sent >= total { lastByte.set(ContinuousClock.now) }
        }
        let t3 = clock.now
        let t2 = lastByte.get() ?? t3
        await client.shutdown()
        return ["folderBytes": dataset.imageBytes + dataset.captionBytes, "archiveBytes": plan.length,
                "uploadBytes": (plan.length + 2) / 3 * 4,
                "scanSeconds": seconds(t1 - t0), "streamSeconds": seconds(t2 - t1), "responseSeconds": seconds(t3 - t2),
                "peakRSS": peakRSS(), "peakRSSBefore": rss0, "accepted": !answer.id.isEmpty]
    }

    /// What `submit(endpoint:body:)` does with a large body built in memory by `RequestEncoder`
    /// (an archive given as a `.zip` path): read, base64 in memory, send. For comparison.
    static func uploadInMemory(server: String, archive: String) async throws -> [String: Any] {
        let client = try client(server)
        guard let endpoint = EndpointRegistry.endpoint(named: "finetune") else { throw BenchError("no finetune endpoint") }
        let clock = ContinuousClock()
        let t0 = clock.now
        let body = try RequestEncoder.encode(endpoint, TaskParameters([
            "file_data": .file(archive), "finetune_comment": .text("bench"), "mode": .text("general"),
        ]))
        let t1 = clock.now
        let answer = try await client.submit(endpoint: endpoint, body: body)
        let t2 = clock.now
        await client.shutdown()
        return ["bodyBytes": body.count, "encodeSeconds": seconds(t1 - t0), "sendSeconds": seconds(t2 - t1),
                "peakRSS": peakRSS(), "accepted": !answer.id.isEmpty]
    }

    // MARK: the poller, live

    /// Tasks of three endpoints on a simulator with its default timing (each takes half its
    /// endpoint's typical time); every task is watched by one `ResultPoller`. Per task: polls, and
    /// the delay between the server's end time and the moment the client learned of it.
    static func pollerLive(server: String, perEndpoint: Int) async throws -> [String: Any] {
        let client = try client(server)
        let poller = ResultPoller(client: client, maxConcurrent: 8)
        let names = ["flux-pro-1.1", "flux-dev", "flux-pro-1.1-ultra"]
        var targets = 0
        for name in names {
            guard let endpoint = EndpointRegistry.endpoint(named: name) else { continue }
            for i in 0..<perEndpoint {
                var parameters = TaskParameters(["prompt": .text("poller benchmark \(i)"), "seed": .integer(i)])
                if endpoint.field("width") != nil {
                    parameters["width"] = .integer(256)
                    parameters["height"] = .integer(256)
                }
                guard case .success(let prepared) = RequestPreparer.prepare(endpoint, parameters) else {
                    throw BenchError("invalid poller benchmark parameters for \(name)")
                }
                let submittedAt = Date()
                let answer = try await client.submit(prepared)
                await poller.track(PollTarget(id: answer.id, pollingURL: answer.pollingURL, typicalSeconds: endpoint.typicalSeconds,
                                              submittedAt: submittedAt, group: endpoint.id))
                targets += 1
            }
        }
        var polls: [Double] = []
        var delays: [Double] = []
        for await event in poller.events {
            guard case .update(_, let result, let count) = event, result.status.isFinal else { continue }
            let seen = Date().timeIntervalSince1970
            polls.append(Double(count))
            if let end = result.endTime { delays.append(max(0, seen - end) * 1000) }
            if polls.count == targets { break }
        }
        await poller.stop()
        await client.shutdown()
        return ["tasks": targets, "pollsMean": mean(polls), "pollsMax": polls.max() ?? .nan,
                "delayMedianMs": median(delays), "delayP95Ms": percentile(delays, 95)]
    }
}

/// A tiny lock-protected box for values set from `@Sendable` callbacks.
final class LockedValue<T: Sendable>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func set(_ new: T) { lock.lock(); value = new; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
}
