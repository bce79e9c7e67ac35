import FluxAPI
import Foundation
import TaskStore
import TestSupport
import Testing
@testable import FluxApp
#if canImport(Glibc)
    import Glibc
#endif

/// Crash safety (tracker issue 8): the interactive app is killed with SIGKILL while tasks are
/// pending and while a download is being written, then started again. The store must be intact
/// (SQLite in WAL mode, one transaction per change), pending tasks must resume (never be
/// resubmitted) and reach Ready with their files, and no file with a final name may ever be partial.
@Suite(.serialized, .awaitsAfterTest) struct CrashSafetyTests {
    let home = Fixtures.temporaryDirectory("flux-crash")
    var database: URL { home.appendingPathComponent("data/flux-tui/tasks.sqlite") }
    var outputs: URL { home.appendingPathComponent("data/flux-tui/outputs") }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "BFL_API_KEY": "", "TESTDK_API_KEY_HEADER": "", "FLUX_SERVER_URL": "",
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }

    @Test func killedWhileTasksArePendingTheStoreIsIntactAndTheTasksResume() async throws {
        guard let tmux = Tmux(label: "crash") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        let simulator = try await BackgroundProcess.simulator(environment: ["FLUX_SIM_TASK_SECONDS": "20", "HOME": home.path])
        defer { simulator.kill() }
        let server = try #require(simulator.baseURL)

        guard await AppDriver.launch(tmux, server: server, environment: environment()) else { return }
        await AppDriver.open(tmux, "flux-dev")
        await AppDriver.fill(tmux, "flux-dev", ["prompt": "crash one", "width": "256", "height": "256"])
        await AppDriver.open(tmux, "flux-pro-1.1")
        await AppDriver.fill(tmux, "flux-pro-1.1", ["prompt": "crash two", "width": "256", "height": "256"])

        // Both accepted by the server and stored as running.
        let store = try TaskStore(path: database.path)
        let running = await AppDriver.waitUntil(30) {
            let tasks = (try? store.tasks()) ?? []
            return tasks.count == 2 && tasks.allSatisfy { $0.phase == .running && $0.remoteID != nil }
        }
        #expect(running, "tasks not running: \((try? store.tasks())?.map { "\($0.phase) \($0.error ?? "")" } ?? [])")
        let before = try store.tasks()

        try AppDriver.killApp(tmux)
        #expect(await AppDriver.waitUntil(10) { !tmux.isAlive }, "the app survived SIGKILL")

        // The store is intact: both tasks, still running, same ids; WAL journal.
        #expect(try Self.isWAL(database), "the task database is not in WAL mode")
        let after = try store.tasks()
        #expect(after.count == 2)
        #expect(Set(after.map(\.id)) == Set(before.map(\.id)))
        #expect(after.allSatisfy { $0.phase == .running })
        #expect(Set(after.compactMap(\.remoteID)) == Set(before.compactMap(\.remoteID)))
        #expect(Self.finalNames(in: outputs).isEmpty, "nothing downloaded yet")

        // Restart: the tasks resume (polled, not resubmitted) and reach Ready with their files.
        guard let again = Tmux(label: "crash-restart") else { return }
        defer { again.kill() }
        guard await AppDriver.launch(again, server: server, environment: environment()) else { return }
        let done = await AppDriver.waitUntil(45) { ((try? store.tasks()) ?? []).allSatisfy { $0.phase == .done } }
        #expect(done, "not resumed: \((try? store.tasks())?.map { "\($0.phase) \($0.error ?? "")" } ?? [])")
        let finished = try store.tasks()
        #expect(finished.count == 2, "a task was added (resubmitted?)")
        #expect(Set(finished.compactMap(\.remoteID)) == Set(before.compactMap(\.remoteID)), "a task was resubmitted")
        for task in finished {
            let path = try #require(task.outputs.first)
            #expect(URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL == outputs.standardizedFileURL)
            #expect(Self.isCompleteImage(try Data(contentsOf: URL(fileURLWithPath: path))), "\(path) is partial")
        }
        #expect(Self.finalNames(in: outputs).filter { !$0.hasSuffix(".json") }.count == 2)
        again.keys("2")
        let listed = await again.wait { $0.components(separatedBy: "✓ Ready").count - 1 >= 1 && $0.contains("Tasks (2") }
        #expect(listed.ok, "the task list does not show the resumed tasks:\n\(listed.screen)")
    }

    @Test func killedWhileADownloadIsWrittenNoFinalFileIsPartialAndTheDownloadCompletes() async throws {
        guard let tmux = Tmux(label: "crash-dl") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        let image = Fixtures.png(width: 256, height: 256)
        let api = StallingAPI()
        let server = try await api.start(image: image)
        afterTest { await server.shutdown() }
        let url = server.baseURL

        guard await AppDriver.launch(tmux, server: url, environment: environment()) else { return }
        await AppDriver.open(tmux, "flux-dev")
        await AppDriver.fill(tmux, "flux-dev", ["prompt": "crash while downloading", "width": "256", "height": "256"])

        // The first download stalls after half the body: the app holds a partial temp file.
        let stalled = await AppDriver.waitUntil(30) {
            api.isStalled && Self.tempFiles(in: outputs).contains { ((try? FileManager.default.attributesOfItem(atPath: outputs.appendingPathComponent($0).path))?[.size] as? NSNumber)?.intValue ?? 0 > 0 }
        }
        #expect(stalled, "the download never started (server stalled: \(api.isStalled), files: \(Self.allNames(in: outputs)))")
        let store = try TaskStore(path: database.path)
        #expect(try store.tasks().first?.phase == .downloading)
        #expect(Self.finalNames(in: outputs).isEmpty, "a partial download has a final name: \(Self.allNames(in: outputs))")

        try AppDriver.killApp(tmux)
        #expect(await AppDriver.waitUntil(10) { !tmux.isAlive }, "the app survived SIGKILL")
        #expect(Self.finalNames(in: outputs).isEmpty, "after the kill, a partial file has a final name: \(Self.allNames(in: outputs))")
        #expect(!Self.tempFiles(in: outputs).isEmpty, "the killed run's temp file is expected to be left behind")
        #expect(try Self.isWAL(database))
        let killed = try #require(try store.tasks().first)
        #expect(killed.phase == .downloading && killed.remoteID == "crash-dl-1")

        // Restart: the stale temp file is removed, the result fetched again and saved whole.
        api.release()
        guard let again = Tmux(label: "crash-dl-restart") else { return }
        defer { again.kill() }
        guard await AppDriver.launch(again, server: url, environment: environment()) else { return }
        let done = await AppDriver.waitUntil(30) { (try? store.tasks().first?.phase) == .done }
        let task = try #require(try store.tasks().first)
        #expect(done, "download not completed after restart: \(task.phase) \(task.error ?? "")")
        let path = try #require(task.outputs.first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == image, "the saved file is not the whole image")
        #expect(Self.tempFiles(in: outputs).isEmpty, "temp files left: \(Self.allNames(in: outputs))")
        #expect(Self.finalNames(in: outputs).sorted() == [URL(fileURLWithPath: path).lastPathComponent,
                                                          URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".json"].sorted())
        #expect(api.submitCount == 1, "the task was submitted again after the restart")
        #expect(api.sampleRequests >= 2)
    }

    // MARK: helpers

    /// SQLite's header says WAL when bytes 18 and 19 (write/read format versions) are 2.
    static func isWAL(_ database: URL) throws -> Bool {
        let handle = try FileHandle(forReadingFrom: database)
        defer { try? handle.close() }
        let header = [UInt8](try handle.read(upToCount: 20) ?? Data())
        return header.count == 20 && header[18] == 2 && header[19] == 2
    }

    static func allNames(in folder: URL) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] }
    static func finalNames(in folder: URL) -> [String] { allNames(in: folder).filter { !$0.hasPrefix(".") } }
    static func tempFiles(in folder: URL) -> [String] { allNames(in: folder).filter { $0.hasPrefix(".") && $0.contains(".part-") } }

    static func isCompleteImage(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return bytes.count > 20 && Array(bytes.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
        }
        if bytes.starts(with: [0xFF, 0xD8]) { return bytes.count > 4 && Array(bytes.suffix(2)) == [0xFF, 0xD9] }
        return false
    }
}

// MARK: - driving the app in tmux

/// Starting the app against a server, filling forms and killing it, for the crash and secrets tests.
enum AppDriver {
    static func launch(_ tmux: Tmux, server: URL, environment: [String: String], width: Int = 120, height: Int = 40) async -> Bool {
        let command = [ProcessRunner.executable("flux-tui").path, "--server", server.absoluteString]
        guard tmux.start(command, width: width, height: height, environment: environment) else {
            Issue.record("tmux could not start the app")
            return false
        }
        let ready = await tmux.wait(timeout: 30) { $0.contains("Endpoints") && $0.contains("? help") }
        #expect(ready.ok, "the app did not start:\n\(ready.screen)")
        return ready.ok
    }

    /// Opens an endpoint's form from the picker.
    static func open(_ tmux: Tmux, _ id: String) async {
        tmux.keys("1")
        tmux.keys("g")
        let index = PickerState.ordered.firstIndex { $0.id == id } ?? 0
        for _ in 0..<index { tmux.keys("j") }
        tmux.keys("Enter")
        let path = EndpointRegistry.endpoint(named: id)?.path ?? id
        let opened = await tmux.wait { $0.contains("POST \(path) ") }
        #expect(opened.ok, "form for \(id) did not open:\n\(opened.screen)")
    }

    /// Types the values field by field in the form's Tab order, checks the form, and submits with Ctrl-S.
    /// `settled` is waited for before submitting (keys reach the app asynchronously); the screen
    /// that satisfied it goes to `beforeSubmit`.
    static func fill(_ tmux: Tmux, _ id: String, _ values: [String: String], submit: Bool = true,
                     settled: ((String) -> Bool)? = nil, beforeSubmit: ((String) -> Void)? = nil) async {
        guard let endpoint = EndpointRegistry.endpoint(named: id) else { return }
        let order = endpoint.fields.filter { !$0.advanced } + endpoint.fields.filter(\.advanced)
        for (i, field) in order.enumerated() {
            if let value = values[field.name] {
                if field.kind.choices.isEmpty && field.kind != .boolean {
                    tmux.type(value)
                } else {
                    let options = FormState.options(for: field)
                    for _ in 0..<(options.firstIndex(of: value) ?? 0) { tmux.keys("Right") }
                }
            }
            if i < order.count - 1 && values.keys.contains(where: { name in order[(i + 1)...].contains { $0.name == name } }) {
                tmux.keys("Tab")
            }
        }
        let valid = await tmux.wait { $0.contains("✓ ready to submit") && (settled?($0) ?? true) }
        #expect(valid.ok, "\(id) form not valid:\n\(valid.screen)")
        beforeSubmit?(valid.screen)
        guard submit else { return }
        tmux.keys("C-s")
        let submitted = await tmux.wait { $0.contains("Tasks (") }
        #expect(submitted.ok, "\(id) not submitted:\n\(submitted.screen)")
    }

    /// SIGKILL to the app in the tmux pane (the pane's process, or its child when a shell runs it).
    static func killApp(_ tmux: Tmux) throws {
        let out = tmux.run(["list-panes", "-t", tmux.session, "-F", "#{pane_pid}"]).output
        guard let pane = pid_t(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw AppDriverError("no pane pid in '\(out)'")
        }
        var target = pane
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pane)/exe")) ?? ""
        if !exe.hasSuffix("flux-tui") {
            let children = (try? String(contentsOfFile: "/proc/\(pane)/task/\(pane)/children", encoding: .utf8)) ?? ""
            guard let child = children.split(separator: " ").compactMap({ pid_t($0) }).first else {
                throw AppDriverError("the pane runs \(exe) with no child")
            }
            target = child
        }
        guard Glibc.kill(target, SIGKILL) == 0 else { throw AppDriverError("kill \(target) failed: \(errno)") }
    }

    @discardableResult
    static func waitUntil(_ timeout: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }
}

struct AppDriverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - a long-running process (the standalone simulator)

/// A `flux-tui` process that keeps running (e.g. `flux-tui simulator --port 0`), its stdout read
/// on a dedicated thread. Stopped with SIGKILL by its own pid.
final class BackgroundProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var output = ""

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = ProcessRunner.executable("flux-tui")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["BFL_API_KEY", "TESTDK_API_KEY_HEADER", "FLUX_SERVER_URL", "FLUX_SIM_PORT"] { env.removeValue(forKey: key) }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = pipe.fileHandleForReading
        Thread { [self] in
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                lock.withLock { output += String(decoding: data, as: UTF8.self) }
            }
        }.start()
    }

    var text: String { lock.withLock { output } }

    /// `flux-tui simulator --port 0`, once it says where it listens.
    static func simulator(environment: [String: String]) async throws -> BackgroundProcess {
        let process = try BackgroundProcess(["simulator", "--port", "0"], environment: environment)
        let listening = await AppDriver.waitUntil(20) { process.baseURL != nil }
        guard listening else {
            process.kill()
            throw AppDriverError("the simulator did not start: \(process.text)")
        }
        return process
    }

    /// From "listening on http://127.0.0.1:PORT".
    var baseURL: URL? {
        guard let range = text.range(of: #"listening on (http://127\.0\.0\.1:\d+)"#, options: .regularExpression) else { return nil }
        return URL(string: String(text[range].dropFirst("listening on ".count)))
    }

    func kill() {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}

// MARK: - a server whose first sample download stalls mid-body

/// The API for one flux-dev task whose first sample download sends half the image and then hangs
/// until `release()`, so a test can kill the client while the download is being written.
final class StallingAPI: @unchecked Sendable {
    private let lock = NSLock()
    private var stalled = false
    private var released = false
    private var samples = 0
    private var submits = 0

    var isStalled: Bool { lock.withLock { stalled } }
    var sampleRequests: Int { lock.withLock { samples } }
    var submitCount: Int { lock.withLock { submits } }

    /// Lets the stalled download go; later sample requests are answered in full.
    func release() { lock.withLock { released = true } }

    func start(image: Data) async throws -> ScriptedHTTPServer {
        try await ScriptedHTTPServer.start { [self] request, _ in
            let base = "http://" + (request.header("host") ?? "127.0.0.1")
            switch (request.method, request.path) {
            case ("POST", "/v1/flux-dev"):
                lock.withLock { submits += 1 }
                return .json(200, #"{"id":"crash-dl-1","polling_url":"\#(base)/v1/get_result?id=crash-dl-1"}"#)
            case ("GET", "/v1/get_result"):
                return .json(200, #"{"id":"crash-dl-1","status":"Ready","progress":1,"result":{"sample":"\#(base)/samples/crash.png","seed":5}}"#)
            case ("GET", "/v1/credits"):
                return .json(200, #"{"credits":100}"#)
            case ("GET", "/samples/crash.png"):
                let first = lock.withLock { () -> Bool in
                    samples += 1
                    return samples == 1
                }
                let headers = [("content-type", "image/png")]
                guard first else { return .respond(status: 200, headers: headers, body: image) }
                return .stalled(status: 200, headers: headers, body: image.prefix(image.count / 2), announced: image.count) { [self] in
                    // Half the image is out: hang until released (the client is killed meanwhile).
                    lock.withLock { stalled = true }
                    while !Task.isCancelled, !lock.withLock({ released }) { try? await Task.sleep(for: .milliseconds(20)) }
                }
            default:
                return .json(404, #"{"detail":"Not Found"}"#)
            }
        }
    }
}
