import FluxAPI
import Foundation
import TaskStore
import Testing
import TestSupport

/// Many tasks from one `flux-tui` process: `submit --sweep`, `batch FILE.jsonl`, their JSONL
/// output, exit codes, Ctrl-C, and the batch in the app's task database.
@Suite(.serialized, .awaitsAfterTest) struct CLIBatchTests {
    let home = Fixtures.temporaryDirectory("flux-cli-batch")

    var environment: [String: String] { ProcessRunner.environment(home: home, extra: ["FLUX_SIM_TASK_SECONDS": "0.3"]) }

    func run(_ args: [String], env extra: [String: String] = [:], stdin: Data? = nil, interruptOn: String? = nil,
             signal: Int32 = SIGINT) async throws -> ProcessRunner.Output {
        let env = environment.merging(extra) { $1 }
        let output = try await ProcessRunner.run("flux-tui", args, environment: env, timeout: 120, stdin: stdin, interruptOn: interruptOn, signal: signal)
        #expect(!output.timedOut, "flux-tui \(args) timed out")
        return output
    }

    func lines(_ text: String) throws -> [JSONValue] {
        try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    func store() throws -> TaskStore { try TaskStore(path: AppPaths(environment: environment).databaseFile.path) }

    @Test func aBatchFileWithABadLineExits2AndSendsNothing() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, #"{"id":"x","polling_url":"p"}"#) }
        afterTest { await server.shutdown() }
        let file = Fixtures.write(Data("""
            {"endpoint": "flux-dev", "params": {"prompt": "fine", "width": 256, "height": 256}}
            {"endpoint": "flux-dev", "params": {"prompt": "bad", "width": 1000}}

            {"endpoint": "flux-pro-1.0-fill", "params": {"image": "@missing.png", "prompt": "x"}}
            """.utf8), "tasks.jsonl", in: home)
        let out = try await run(["batch", file.path, "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": "k"])
        #expect(out.status == 2, "\(out.stderr)")
        for needle in ["tasks.jsonl has 2 problems; nothing was sent", "line 2: width: must be a multiple of 32",
                       "line 4: image: no file at \(home.appendingPathComponent("missing.png").path)"] {
            #expect(out.stderr.contains(needle), "missing '\(needle)' in: \(out.stderr)")
        }
        #expect(server.requests.isEmpty)
        // The same from standard input, as JSON.
        let json = try await run(["batch", "-", "--json", "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": "k"],
                                 stdin: try Data(contentsOf: file))
        #expect(json.status == 2)
        let object = try JSONValue.parse(json.stdout)
        #expect(object["problems"]?.arrayValue?.compactMap { $0["line"]?.intValue } == [2, 4])
        #expect(server.requests.isEmpty)
        // A sweep that cannot run is refused the same way.
        let sweep = try await run(["submit", "flux-dev", "--set", "prompt=x", "--sweep", "seed=8..1",
                                   "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": "k"])
        #expect(sweep.status == 2)
        #expect(sweep.stderr.contains("--sweep seed: the range 8..1 is reversed"), "\(sweep.stderr)")
        let prompts = try await run(["submit", "flux-dev", "--sweep", "prompt=@nope.txt", "--server", server.baseURL.absoluteString],
                                    env: ["BFL_API_KEY": "k"])
        #expect(prompts.status == 2)
        #expect(prompts.stderr.contains("nope.txt does not exist"), "\(prompts.stderr)")
        let shared = try await run(["submit", "flux-dev", "--set", "prompt=x", "--set", "width=1000", "--sweep", "seed=1..3",
                                    "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": "k"])
        #expect(shared.status == 2)
        #expect(shared.stderr.contains("width: must be a multiple of 32 (try 992 or 1024) (all 3 tasks)"), "\(shared.stderr)")
        #expect(server.requests.isEmpty)
    }

    @Test func aSweepPrintsOneJSONLineATaskAndASummaryAndIsStoredAsABatch() async throws {
        let outputs = home.appendingPathComponent("sweep")
        let out = try await run(["submit", "flux-dev", "--set", "prompt=a lighthouse", "--set", "width=256", "--set", "height=256",
                                 "--sweep", "seed=1..3", "--sweep", "guidance=2,3.5", "--wait", "--json", "--max-active", "4",
                                 "--output", outputs.path])
        #expect(out.status == 0, "\(out.stderr)")
        let objects = try lines(out.stdout)
        #expect(objects.count == 7)
        let summary = try #require(objects.last)
        #expect(summary["summary"] == .bool(true) && summary["tasks"] == .int(6) && summary["ready"] == .int(6) && summary["unsent"] == .int(0))
        let tasks = objects.dropLast()
        #expect(tasks.allSatisfy { $0["status"] == .string("Ready") && $0["outputs"]?.arrayValue?.count == 1 })
        #expect(Set(tasks.compactMap { $0["index"]?.intValue }) == Set(0..<6))
        #expect(Set(tasks.compactMap { $0["seed"]?.intValue }) == [1, 2, 3])
        #expect(tasks.contains { $0["label"] == .string("seed 2 · guidance 3.5") })
        for path in tasks.compactMap({ $0["outputs"]?.arrayValue?.first?.stringValue }) {
            #expect(FileManager.default.fileExists(atPath: path))
        }
        // In the app's database, as one batch.
        let batchID = try #require(summary["batch"]?.stringValue)
        let store = try store()
        let batch = try #require(try store.batch(id: batchID))
        #expect(batch.taskCount == 6 && batch.variedFields == ["seed", "guidance"] && batch.title == "flux-dev: 3 seed x 2 guidance")
        let stored = try store.tasks(inBatch: batchID)
        #expect(stored.count == 6 && stored.allSatisfy { $0.phase == .done })
        #expect(stored.compactMap(\.batchIndex).sorted() == Array(0..<6))
    }

    @Test func aBatchFileRunsEveryLineAndExits3WhenOneFails() async throws {
        let file = Fixtures.write(Data("""
            {"endpoint": "flux-dev", "params": {"prompt": "a fox", "width": 256, "height": 256}}
            {"endpoint": "flux-dev", "params": {"prompt": "SIM_FAIL", "width": 256, "height": 256}}
            {"endpoint": "flux-pro-1.1", "params": {"prompt": "a boat", "width": 256, "height": 256}}
            """.utf8), "mixed.jsonl", in: home)
        let out = try await run(["batch", file.path, "--wait", "--json", "--output", home.appendingPathComponent("mixed").path])
        #expect(out.status == 3, "\(out.stderr)")
        let objects = try lines(out.stdout)
        #expect(objects.count == 4)
        #expect(objects.last?["ready"] == .int(2) && objects.last?["failed"] == .int(1))
        #expect(objects.dropLast().filter { $0["status"] == .string("Error") }.count == 1)
        let batch = try #require(try store().batches().first { $0.title == "mixed.jsonl" })
        #expect(batch.endpoint == nil && batch.taskCount == 3)
        // Plain text: the files on stdout, the failure and a summary on stderr.
        let text = try await run(["batch", file.path, "--wait", "--output", home.appendingPathComponent("mixed").path])
        #expect(text.status == 3)
        #expect(text.stdout.split(separator: "\n").count == 2)
        #expect(text.stderr.contains("ended: "), "\(text.stderr)")
        #expect(text.stderr.contains("2 of 3 Ready, 1 failed"), "\(text.stderr)")
    }

    @Test func ctrlCStopsSubmittingAndWaitsForWhatWasSent() async throws {
        let out = try await run(["submit", "flux-dev", "--set", "prompt=x", "--set", "width=256", "--set", "height=256",
                                 "--repeat", "6", "--max-active", "2", "--wait", "--json", "--output", home.appendingPathComponent("stop").path],
                                env: ["FLUX_SIM_TASK_SECONDS": "3"], interruptOn: ": 6 tasks (")
        #expect(out.status == 1, "\(out.stderr)")
        #expect(out.stderr.contains("interrupted: 4 tasks left unsent; waiting for the 2 sent"), "\(out.stderr)")
        let objects = try lines(out.stdout)
        let summary = try #require(objects.last)
        #expect(summary["ready"] == .int(2) && summary["unsent"] == .int(4), "\(summary)")
        let batchID = try #require(summary["batch"]?.stringValue)
        let stored = try store().tasks(inBatch: batchID)
        #expect(stored.filter { $0.phase == .cancelled && $0.remoteID == nil }.count == 4)
        #expect(stored.filter { $0.phase == .done }.count == 2)
    }

    /// Killed (SIGTERM) or its terminal closed (SIGHUP): the batch ends at once and leaves nothing
    /// queued in the task database, which the app would otherwise send at its next start.
    @Test(arguments: [SIGTERM, SIGHUP])
    func aTerminatedBatchLeavesNothingQueued(signal: Int32) async throws {
        let out = try await run(["submit", "flux-dev", "--set", "prompt=x", "--set", "width=256", "--set", "height=256",
                                 "--repeat", "6", "--max-active", "2", "--wait", "--json", "--output", home.appendingPathComponent("term").path],
                                env: ["FLUX_SIM_TASK_SECONDS": "3"], interruptOn: ": 6 tasks (", signal: signal)
        #expect(out.status == 1, "\(out.stderr)")
        #expect(out.stderr.contains("terminated: 4 tasks left unsent; 2 sent still running"), "\(out.stderr)")
        let summary = try #require(try lines(out.stdout).last)
        #expect(summary["unsent"] == .int(4), "\(summary)")
        let batchID = try #require(summary["batch"]?.stringValue)
        let stored = try store().tasks(inBatch: batchID)
        #expect(stored.count == 6)
        #expect(!stored.contains { $0.phase == .queued }, "\(stored.map(\.phase))")
        #expect(stored.filter { $0.phase == .cancelled && $0.remoteID == nil }.count == 4)
    }
}
