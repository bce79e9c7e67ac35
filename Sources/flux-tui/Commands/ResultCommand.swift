import ArgumentParser
import FluxAPI
import Foundation

struct ResultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "result", abstract: "Show a task's result; with --wait, poll to the end and download it.")

    @Argument(help: "The task id (with --curl: the local or remote id of a task the app submitted, or the first characters of one).")
    var id: String
    @Flag(help: "Poll until the task is final and download the image.") var wait = false
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Flag(help: "Print the task's request as a curl command (as the app's y → curl command); the key stays $BFL_API_KEY.")
    var curl = false
    @Option(help: ArgumentHelp("Endpoint the task was submitted to (used in file names).", valueName: "endpoint"))
    var endpoint: String?
    @Option(name: .customLong("polling-url"), help: ArgumentHelp("The polling URL the submit returned, if any.", valueName: "url"))
    var pollingURL: String?
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        if curl { return try printCurl() }
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { throw ValidationError("the task id must be 1 to 200 characters") }
        let endpoint = try self.endpoint.map(EndpointLookup.find)
        let json = self.json
        let wait = self.wait
        let output = self.output
        let pollingURL = self.pollingURL
        let result = try await Backend.with(global) { backend -> FlowResult in
            if wait {
                return await CommandLineTask(backend: backend, output: output, json: json).follow(id: trimmed, endpoint: endpoint, pollingURL: pollingURL)
            }
            var outcome = TaskOutcome(id: trimmed, endpoint: endpoint?.id ?? "unknown")
            do {
                let result = try await backend.client.result(id: trimmed, pollingURL: pollingURL)
                outcome.status = result.status
                outcome.seed = result.seed
                if result.status.isFailure { outcome.error = result.failureReason }
                if result.status == .notFound && backend.isSimulator {
                    Console.error("flux-tui: the built-in simulator forgets its tasks when a command ends; run `flux-tui simulator` "
                                  + "in another terminal and pass --server http://127.0.0.1:8765 to every command")
                }
                if !json {
                    var line = "\(trimmed): \(result.status.text)"
                    if let p = result.progress, !result.status.isFinal { line += " \(Int((p * 100).rounded()))%" }
                    if let seed = result.seed { line += ", seed \(seed)" }
                    if let reason = outcome.error { line += ": \(reason)" }
                    Console.out(line)
                    if let sample = result.sampleURL { Console.out("sample: \(sample) (expires soon; use --wait to download)") }
                }
                return FlowResult(outcome: outcome, exitCode: result.status.isFailure ? ExitCodes.taskFailed : nil)
            } catch {
                outcome.error = "\(error)"
                if !json { Console.error("flux-tui: \(error)") }
                return FlowResult(outcome: outcome, exitCode: CommandLineTask.exitCode(for: error))
            }
        }
        if json { Console.out(result.outcome.json.serialized()) }
        if let code = result.exitCode { throw code }
    }

    /// `--curl`: the stored task's request, as the app's "curl command". Reads the task database
    /// only: nothing is sent, no simulator is started.
    func printCurl() throws {
        do {
            guard !wait, !json, pollingURL == nil else {
                throw StoredTasks.Failure("--curl prints the stored request only: it does not go with --wait, --json or --polling-url")
            }
            let task = try StoredTasks.task(matching: id)
            guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else {
                throw StoredTasks.Failure("task \(task.id) was sent to \(task.endpoint), an endpoint this version does not know")
            }
            Console.out(CurlCommand.make(endpoint, task.parameters, serverURL: try StoredTasks.serverURL(global)))
        } catch let failure as StoredTasks.Failure {
            Console.error("flux-tui: \(failure.message)")
            throw failure.code
        }
    }
}
