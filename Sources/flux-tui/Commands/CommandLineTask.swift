import ArgumentParser
import FluxAPI
import FluxApp
import Foundation
import TaskStore

/// The outcome of a command's task and the exit code it calls for (nil: 0).
struct FlowResult: Sendable {
    var outcome: TaskOutcome
    var exitCode: ExitCode?
}

/// One task through the app's `TaskEngine`, so the command line submits, polls and downloads
/// exactly as the app does. The store is in memory: a command's one task needs no history, and
/// the app's database stays the app's (see docs/design-notes.md). Progress and problems go to
/// stderr, ids and saved files to stdout.
struct CommandLineTask {
    let backend: Backend
    let json: Bool
    let outputDirectory: URL
    let naming: OutputNaming

    init(backend: Backend, output: OutputOptions, json: Bool) {
        self.init(backend: backend, json: json, outputDirectory: output.directory, naming: OutputNaming(pattern: output.pattern))
    }

    /// For a task with nothing to download (a fine-tune): files would go to the default folder.
    init(backend: Backend, json: Bool, outputDirectory: URL = AppPaths().defaultOutputDirectory, naming: OutputNaming = OutputNaming()) {
        self.backend = backend
        self.json = json
        self.outputDirectory = outputDirectory
        self.naming = naming
    }

    /// Submits; with `wait`, follows the task to its end and saves its result.
    func submit(_ request: PreparedRequest, wait: Bool) async -> FlowResult {
        let endpoint = request.endpoint
        let json = self.json
        return await run(endpointName: endpoint.id, wait: wait, uploadBytes: request.dataset?.uploadBytes, record: true,
                         start: { await $0.submit(request) },
                         announce: { task in
                             guard !json, let id = task.remoteID else { return }
                             if endpoint.createsFinetune {
                                 Console.out("submitted fine-tune \(id)")
                             } else {
                                 Console.out("submitted \(endpoint.id) task \(id)")
                                 if let cost = task.cost { Console.error("flux-tui: cost \(FieldSpec.formatted(cost)) credits") }
                             }
                         })
    }

    /// Follows a task submitted earlier to its end and saves its result.
    func follow(id: String, endpoint: Endpoint?, pollingURL: String?) async -> FlowResult {
        await run(endpointName: endpoint?.id ?? "unknown", wait: true, uploadBytes: nil, record: false,
                  start: { await $0.watch(remoteID: id, endpoint: endpoint ?? Self.unknownEndpoint, pollingURL: pollingURL) },
                  announce: { _ in })
    }

    /// `record`: store the task (off the list) in the user's database, so budgets count its cost.
    private func run(endpointName: String, wait: Bool, uploadBytes: Int?, record: Bool,
                     start: (TaskEngine) async -> TaskEntry, announce: (TaskEntry) -> Void) async -> FlowResult {
        let store: TaskStore
        do { store = try TaskStore() } catch {
            if !json { Console.error("flux-tui: \(error)") }
            return FlowResult(outcome: TaskOutcome(id: nil, endpoint: endpointName, error: "\(error)"), exitCode: ExitCodes.failure)
        }
        // No second chance after polling gives up: a command ends, it does not wait for the server.
        let engine = TaskEngine(client: backend.client, store: store,
                                settings: TaskEngine.Settings(outputDirectory: outputDirectory, naming: naming, maxActive: 1, repollDelay: nil))
        let notices = engine.notices
        let printer = Task { for await notice in notices { Console.error("flux-tui: \(notice)") } }
        let updates = engine.updates
        var task = await start(engine)
        let line = ProgressLine(enabled: !json, uploadBytes: uploadBytes)
        var announced = task.remoteID != nil
        for await update in updates where update.id == task.id {
            task = update
            if !announced && update.remoteID != nil {
                announced = true
                line.end()
                announce(update)
            }
            if update.phase.isFinal || (announced && !wait) { break }
            line.show(update)
        }
        line.end()
        await engine.shutdown()
        await printer.value
        if record { CommandLineSpend.record(task) }
        return report(task, endpointName: endpointName)
    }

    /// What the command prints and exits with for the task's last state.
    private func report(_ task: TaskEntry, endpointName: String) -> FlowResult {
        let id = task.remoteID ?? ""
        var outcome = TaskOutcome(id: task.remoteID, endpoint: endpointName, status: task.remoteID == nil ? nil : task.statusText.map(TaskStatus.init),
                                  seed: task.seed, outputs: task.outputs)
        let human: String?
        let exitCode: ExitCode?
        switch task.failure {
        case .submit(let error)?:
            outcome.error = "\(error)"
            (human, exitCode) = ("flux-tui: \(error)", Self.exitCode(for: error))
        case .server(let status)?:
            outcome.error = task.error ?? status.text
            (human, exitCode) = ("flux-tui: task \(id) ended with \(status.text): \(outcome.error ?? "")", ExitCodes.taskFailed)
        case .polling(let error)?:
            outcome.error = "\(error)"
            (human, exitCode) = ("flux-tui: polling \(id): \(error)", ExitCodes.failure)
        case .download(let why)?:
            outcome.error = why
            (human, exitCode) = ("flux-tui: task \(id) is Ready but \(why)", ExitCodes.failure)
        case nil where task.phase.isFinal && task.phase != .done:
            outcome.error = task.error ?? task.statusText
            (human, exitCode) = ("flux-tui: \(outcome.error ?? task.phase.rawValue)", ExitCodes.failure)
        case nil:
            (human, exitCode) = (nil, nil)
            if task.phase == .done && !json {
                if task.outputs.isEmpty {
                    Console.out("fine-tune \(id) is Ready")
                } else {
                    Console.error("flux-tui: Ready\(task.seed.map { " (seed \($0))" } ?? "")")
                    for path in task.outputs { Console.out(path) }
                }
            }
        }
        if let human, !json { Console.error(human) }
        return FlowResult(outcome: outcome, exitCode: exitCode)
    }

    static func exitCode(for error: any Error) -> ExitCode {
        switch error as? FluxError {
        case .invalidInput?, .validation?: return ExitCodes.invalidInput
        default: return ExitCodes.failure
        }
    }

    /// For naming the files of a task whose endpoint is not known.
    static let unknownEndpoint = Endpoint(
        id: "task", path: "/v1/get_result", operation: "get_result", title: "Task", summary: "", family: .generate,
        fields: [], rules: [], retiredOnPublicAPI: false, typicalSeconds: 5)
}
