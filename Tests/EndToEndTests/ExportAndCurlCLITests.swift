import FluxAPI
import Foundation
import TaskStore
import TestSupport
import Testing

/// `flux-tui result ID --curl` and `flux-tui export`, as processes against a task database in a
/// temporary home (written with `TaskStore`, as the app writes it).
@Suite(.serialized, .awaitsAfterTest) struct ExportAndCurlCLITests {
    let home = Fixtures.temporaryDirectory("flux-export")

    var databasePath: String { home.appendingPathComponent("data/flux-tui/tasks.sqlite").path }

    func run(_ args: [String], env extra: [String: String] = [:], directory: URL? = nil) async throws -> ProcessRunner.Output {
        let env = ProcessRunner.environment(home: home, extra: extra)
        let output = try await ProcessRunner.run("flux-tui", args, environment: env, timeout: 60)
        #expect(!output.timedOut, "flux-tui \(args) timed out")
        return output
    }

    static func shell(_ command: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    // MARK: curl

    @Test func resultCurlPrintsTheAppsCommandAndItSendsTheSameBody() async throws {
        let image = Fixtures.write(Fixtures.png(width: 32, height: 32), "in put.png", in: home)
        let store = try TaskStore(path: databasePath)
        let task = TaskEntry(id: "aaaa1111-0000-4000-8000-000000000001", remoteID: "rem-xyz-1", endpoint: "flux-dev",
                             parameters: TaskParameters(["prompt": .text("a \"lighthouse\" $HOME"), "seed": .integer(42),
                                                         "guidance": .number(3.5), "image_prompt": .file(image.path)]),
                             phase: .done, seed: 42)
        try store.save(task)
        try store.save(TaskEntry(id: "aaaa2222-0000-4000-8000-000000000002", remoteID: "rem-abc-2", endpoint: "flux-pro-1.1",
                                 parameters: TaskParameters(["prompt": .text("other")])))
        let stored = try #require(try store.task(id: task.id))
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))

        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, #"{"id":"x","polling_url":"http://127.0.0.1/x"}"#) }
        afterTest { await server.shutdown() }
        let key = "secret-key-123"
        // A prefix of the local id, and one of the remote id: the same command, the app's.
        let byLocal = try await run(["result", "aaaa1", "--curl", "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": key])
        #expect(byLocal.status == 0, "\(byLocal.stderr)")
        #expect(byLocal.stdout == CurlCommand.make(endpoint, stored.parameters, serverURL: server.baseURL) + "\n")
        #expect(!byLocal.stdout.contains(key) && byLocal.stdout.contains("$BFL_API_KEY"))
        let byRemote = try await run(["result", "rem-xyz", "--curl", "--server", server.baseURL.absoluteString])
        #expect(byRemote.stdout == byLocal.stdout)
        // Without --server: the public API, and no simulator is started.
        let plain = try await run(["result", task.id, "--curl"])
        #expect(plain.stdout.contains("'https://api.bfl.ai/v1/flux-dev'") && !plain.stderr.contains("simulator"))

        // The printed command, run by bash and curl, sends exactly the client's body with the key.
        let sent = try Self.shell(byLocal.stdout, environment: ["PATH": "/usr/bin:/bin", "BFL_API_KEY": key, "HOME": "/nowhere"])
        #expect(sent.status == 0, "\(sent.output)")
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/flux-dev" && request.header("x-key") == key)
        #expect(request.body == (try RequestEncoder.encode(endpoint, stored.parameters)) + Data("\n".utf8))
    }

    /// The printed command against the simulator (`flux-tui simulator`): it accepts the body, and
    /// the task it starts ends Ready with an image, fetched by `result --wait`.
    @Test func thePrintedCommandRunsATaskOnTheSimulator() async throws {
        let env = ProcessRunner.environment(home: home, extra: ["FLUX_SIM_TASK_SECONDS": "0.3"])
        let simulator = try await BackgroundProcess.simulator(environment: env)
        defer { simulator.kill() }
        let sim = try #require(simulator.baseURL)
        let image = Fixtures.write(Fixtures.png(width: 64, height: 64), "photo.png", in: home)
        let store = try TaskStore(path: databasePath)
        try store.save(TaskEntry(id: "cccc3333", endpoint: "flux-pro-1.0-fill",
                                 parameters: TaskParameters(["prompt": .text("a red door"), "image": .file(image.path), "seed": .integer(5)])))
        let printed = try await run(["result", "cccc", "--curl", "--server", sim.absoluteString])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("base64 < '\(image.path)'"))
        let sent = try Self.shell(printed.stdout, environment: ["PATH": "/usr/bin:/bin", "BFL_API_KEY": "any-key", "HOME": "/nowhere"])
        #expect(sent.status == 0, "\(sent.output)")
        let answer = try JSONValue.parse(Data(sent.output.utf8))
        let id = try #require(answer["id"]?.stringValue, "the simulator did not accept the body: \(sent.output)")
        let result = try await run(["result", id, "--wait", "--json", "--server", sim.absoluteString,
                                    "--output", home.appendingPathComponent("out").path])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let outcome = try JSONValue.parse(Data(result.stdout.utf8))
        #expect(outcome["status"] == .string("Ready") && outcome["seed"] == .int(5))
    }

    @Test func resultCurlRefusesAnAmbiguousOrUnknownID() async throws {
        let store = try TaskStore(path: databasePath)
        for id in ["bbbb1", "bbbb2"] {
            try store.save(TaskEntry(id: id, endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text(id)])))
        }
        let ambiguous = try await run(["result", "bbbb", "--curl"])
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.contains("'bbbb' matches 2 tasks; type more of the id") && ambiguous.stderr.contains("bbbb1"))
        let unknown = try await run(["result", "zzz", "--curl"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no task in \(databasePath) has an id or remote id starting with 'zzz'"))
        let mixed = try await run(["result", "bbbb1", "--curl", "--json"])
        #expect(mixed.status == 2 && mixed.stderr.contains("does not go with --wait, --json"))
    }

    @Test func resultCurlWithoutADatabaseSaysWhere() async throws {
        let out = try await run(["result", "abc", "--curl"])
        #expect(out.status == 2 && out.stderr.contains("no task database at \(databasePath)"))
    }

    // MARK: export

    func seedStore() throws -> BatchEntry {
        let store = try TaskStore(path: databasePath)
        let now = Date()
        let outputs = home.appendingPathComponent("data/flux-tui/outputs")
        let batch = BatchEntry(endpoint: "flux-dev", title: "seeds", variedFields: ["seed"], taskCount: 1, createdAt: now)
        try store.save(batch, tasks: [TaskEntry(id: "t-batch", endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("in a batch")]),
                                                phase: .done, seed: 1, createdAt: now.addingTimeInterval(-60),
                                                outputs: [outputs.appendingPathComponent("b.jpg").path],
                                                origin: TaskOrigin(batchID: batch.id, batchIndex: 0))])
        try store.save(TaskEntry(id: "t-old", endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("old, \"quoted\" | piped")]),
                                 phase: .done, seed: 2, cost: 2.5, createdAt: now.addingTimeInterval(-30 * 86_400),
                                 outputs: [outputs.appendingPathComponent("old.png").path]))
        try store.save(TaskEntry(id: "t-pro", endpoint: "flux-pro-1.1", parameters: TaskParameters(["prompt": .text("pro")]),
                                 phase: .failed, createdAt: now.addingTimeInterval(-120), error: "boom"))
        return batch
    }

    @Test func exportWritesJSONLinesFilteredBySinceEndpointAndBatch() async throws {
        let batch = try seedStore()
        let all = try await run(["export", "--format", "jsonl"])
        #expect(all.status == 0, "\(all.stderr)")
        let ids = try all.stdout.split(separator: "\n").map { try JSONValue.parse(Data($0.utf8))["id"]?.stringValue }
        #expect(ids == ["t-old", "t-pro", "t-batch"])  // oldest first
        #expect(all.stderr.contains("exported 3 tasks"))
        let recent = try await run(["export", "--format", "jsonl", "--since", "7d"])
        #expect(recent.stdout.split(separator: "\n").count == 2)
        let pro = try await run(["export", "--format", "jsonl", "--endpoint", "flux-pro-1.1"])
        #expect(pro.stdout.contains("\"t-pro\"") && pro.stdout.split(separator: "\n").count == 1)
        let inBatch = try await run(["export", "--format", "jsonl", "--batch", String(batch.id.prefix(6))])
        #expect(inBatch.stdout.contains("\"t-batch\"") && inBatch.stdout.split(separator: "\n").count == 1)
    }

    @Test func exportWritesCSVAndMarkdownFiles() async throws {
        _ = try seedStore()
        let csvFile = home.appendingPathComponent("out/tasks.csv")
        let csv = try await run(["export", "--format", "csv", "-o", csvFile.path])
        #expect(csv.status == 0 && csv.stderr.contains("exported 3 tasks to \(csvFile.path)"))
        let text = try String(contentsOf: csvFile, encoding: .utf8)
        #expect(text.hasPrefix("id,remote_id,endpoint,status,prompt,seed,cost,"))
        #expect(text.contains("t-old,,flux-dev,done,\"old, \"\"quoted\"\" | piped\",2,2.5,"))
        let mdFile = home.appendingPathComponent("data/notes/tasks.md")
        let md = try await run(["export", "--format", "md", "--output-file", mdFile.path])
        #expect(md.status == 0)
        let table = try String(contentsOf: mdFile, encoding: .utf8)
        #expect(table.contains("| ![old.png](../flux-tui/outputs/old.png) | done | flux-dev | old, \"quoted\" \\| piped |"))
    }

    /// On a terminal, stored text cannot drive it: an escape sequence in a prompt is shown, not run.
    @Test func exportToATerminalShowsControlsAsQuestionMarks() async throws {
        guard let tmux = Tmux(label: "export") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill() }
        let store = try TaskStore(path: databasePath)
        try store.save(TaskEntry(id: "t-esc", endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("before\u{1B}[2Jafter")])))
        let binary = ProcessRunner.productsDirectory.appendingPathComponent("flux-tui").path
        let env = ProcessRunner.environment(home: home)
        #expect(tmux.start(["sh", "-c", "'\(binary)' export --format csv; sleep 30"], width: 160, height: 20,
                           environment: ["HOME": env["HOME"]!, "XDG_DATA_HOME": env["XDG_DATA_HOME"]!, "XDG_CONFIG_HOME": env["XDG_CONFIG_HOME"]!]))
        let shown = await tmux.wait(timeout: 20) { $0.contains("exported 1 task") }
        #expect(shown.ok, "\(shown.screen)")
        #expect(shown.screen.contains("before?[2Jafter"), "\(shown.screen)")
    }

    @Test func badOptionsExit2WithAClearMessage() async throws {
        _ = try seedStore()
        let since = try await run(["export", "--format", "csv", "--since", "7y"])
        #expect(since.status == 2 && since.stderr.contains("--since '7y' is neither an age"))
        let format = try await run(["export", "--format", "xml"])
        #expect(format.status == 2 && format.stderr.contains("unknown format 'xml': use jsonl, csv or md"))
        let missing = try await run(["export"])
        #expect(missing.status == 2 && missing.stderr.contains("--format is required"))
        let endpoint = try await run(["export", "--format", "csv", "--endpoint", "flux-deev"])
        #expect(endpoint.status == 2 && endpoint.stderr.contains("unknown endpoint 'flux-deev'"))
        let batch = try await run(["export", "--format", "csv", "--batch", "nope"])
        #expect(batch.status == 2 && batch.stderr.contains("no batch id starts with 'nope'"))
        #expect(since.stdout.isEmpty && format.stdout.isEmpty)
    }
}
