import ArgumentParser
import FluxAPI
import Foundation

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Submit a task, optionally wait for it and download the image.",
        discussion: """
            Values are typed by the endpoint's fields: `--set width=1024` is sent as a JSON integer, \
            `--set raw=true` as a boolean. For image fields give a path (`--set image=@photo.png` or \
            without @) or an http(s) URL; `--set FIELD=null` sends an explicit null where the field \
            is nullable. Invalid input exits 2 before anything is sent.
            """)

    @Argument(help: "Operation name, e.g. flux-dev (see `flux-tui endpoints`).") var endpoint: String
    @Option(name: .customLong("set"), help: ArgumentHelp("A field value, FIELD=VALUE (repeatable).", valueName: "field=value"))
    var assignments: [String] = []
    @Flag(help: "Wait for the result and download it.") var wait = false
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Flag(help: "Validate and print the JSON body (base64 shortened) without sending it.") var dryRun = false
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let endpoint: Endpoint
        do { endpoint = try EndpointLookup.find(self.endpoint) } catch {
            report(TaskOutcome(id: nil, endpoint: self.endpoint, error: "\(error)"), human: "flux-tui: \(error)")
            throw ExitCodes.invalidInput
        }
        let (parameters, parseIssues) = AssignmentParser.parse(assignments, for: endpoint)
        let prepared: PreparedRequest
        switch RequestPreparer.prepare(endpoint, parameters) {
        case .success(let p) where parseIssues.isEmpty:
            prepared = p
        case .success(let p):
            throw invalid(endpoint, parseIssues + p.warnings)
        case .failure(.invalidInput(let issues)):
            // Parse failures replace the validator's "required" for the same field.
            let parsedFields = Set(parseIssues.compactMap(\.field))
            throw invalid(endpoint, parseIssues + issues.filter { !($0.field.map(parsedFields.contains) ?? false) })
        case .failure(let error):
            report(TaskOutcome(id: nil, endpoint: endpoint.id, error: "\(error)"), human: "flux-tui: \(error)")
            throw ExitCodes.failure
        }
        for warning in prepared.warnings { Console.error("flux-tui: \(warning)") }
        if dryRun {
            Console.out(RequestEncoder.preview(endpoint, parameters))
            return
        }
        let outcome = try await Backend.with(global) { backend in
            await TaskFlow(backend: backend, output: output, json: json).run(prepared, wait: wait)
        }
        try finish(outcome)
    }

    private func invalid(_ endpoint: Endpoint, _ issues: [ValidationIssue]) -> ExitCode {
        let text = issues.map { "  \($0)" }.joined(separator: "\n")
        report(TaskOutcome(id: nil, endpoint: endpoint.id, error: "invalid input: " + issues.map(\.description).joined(separator: "; ")),
               human: "flux-tui: invalid input for \(endpoint.id); nothing was sent:\n\(text)")
        return ExitCodes.invalidInput
    }

    private func report(_ outcome: TaskOutcome, human: String) {
        if json { Console.out(outcome.json.serialized()) } else { Console.error(human) }
    }

    private func finish(_ result: FlowResult) throws {
        if json { Console.out(result.outcome.json.serialized()) }
        if let code = result.exitCode { throw code }
    }
}

/// The outcome of a flow and the exit code it calls for (nil: 0).
struct FlowResult: Sendable {
    var outcome: TaskOutcome
    var exitCode: ExitCode?
}

/// Submit → poll → download, printing progress to stderr and results to stdout.
struct TaskFlow: Sendable {
    let backend: Backend
    let output: OutputOptions
    let json: Bool

    func run(_ prepared: PreparedRequest, wait: Bool) async -> FlowResult {
        let endpoint = prepared.endpoint
        var outcome = TaskOutcome(id: nil, endpoint: endpoint.id)
        let submittedAt = Date()
        let submit: SubmitResponse
        do {
            submit = try await backend.client.submit(prepared, onRetry: { event in
                Console.error("flux-tui: submit: \(event.summary)")
            })
        } catch {
            outcome.error = "\(error)"
            if !json { Console.error("flux-tui: \(error)") }
            return FlowResult(outcome: outcome, exitCode: Self.exitCode(for: error))
        }
        outcome.id = submit.id
        outcome.status = submit.status.map(TaskStatus.init) ?? .running("Pending")
        outcome.seed = TaskRecord(id: submit.id, endpoint: endpoint, parameters: prepared.parameters, submittedAt: submittedAt).requestedSeed
        if !json {
            Console.out("submitted \(endpoint.id) task \(submit.id)")
            if let cost = submit.cost { Console.error("flux-tui: cost \(FieldSpec.formatted(cost)) credits") }
        }
        guard wait else { return FlowResult(outcome: outcome, exitCode: nil) }
        let record = TaskRecord(id: submit.id, endpoint: endpoint, parameters: prepared.parameters,
                                submittedAt: submittedAt, cost: submit.cost)
        return await waitAndSave(record: record, pollingURL: submit.pollingURL, outcome: outcome)
    }

    func waitAndSave(record: TaskRecord, pollingURL: String?, outcome start: TaskOutcome) async -> FlowResult {
        var outcome = start
        let client = backend.client
        let progress = ProgressLine(enabled: !json)
        let schedule: PollSchedule = record.endpoint.createsFinetune ? .training : .standard
        let target = PollTarget(id: record.id, pollingURL: pollingURL, typicalSeconds: record.endpoint.typicalSeconds,
                                submittedAt: record.submittedAt, schedule: schedule)
        let result: ResultResponse
        do {
            result = try await ResultPoller.waitForFinal(client: client, target: target) { progress.show($0) }
            progress.end()
        } catch {
            progress.end()
            outcome.error = "\(error)"
            if !json { Console.error("flux-tui: polling \(record.id): \(error)") }
            return FlowResult(outcome: outcome, exitCode: ExitCodes.failure)
        }
        outcome.status = result.status
        outcome.seed = result.seed ?? outcome.seed
        guard result.status == .ready else {
            outcome.error = result.failureReason ?? result.status.text
            if !json { Console.error("flux-tui: task \(record.id) ended with \(result.status.text): \(outcome.error ?? "")") }
            return FlowResult(outcome: outcome, exitCode: ExitCodes.taskFailed)
        }
        if record.endpoint.createsFinetune || result.sampleURL == nil && result.result != nil && record.endpoint.createsFinetune {
            if !json { Console.out("fine-tune \(record.id) is Ready") }
            return FlowResult(outcome: outcome, exitCode: nil)
        }
        let saver = ResultSaver(downloader: ResultDownloader(transport: client.transport), naming: OutputNaming(pattern: output.pattern))
        do {
            let files = try await saver.save(result, record: record, into: output.directory) {
                try await client.result(id: record.id, pollingURL: target.pollingURL)
            }
            outcome.outputs = files.map(\.path)
            if !json {
                let seedText = outcome.seed.map { " (seed \($0))" } ?? ""
                Console.error("flux-tui: Ready\(seedText)")
                for file in files { Console.out(file.path) }
            }
            return FlowResult(outcome: outcome, exitCode: nil)
        } catch {
            outcome.error = "\(error)"
            if !json { Console.error("flux-tui: task \(record.id) is Ready but \(error)") }
            return FlowResult(outcome: outcome, exitCode: ExitCodes.failure)
        }
    }

    static func exitCode(for error: Error) -> ExitCode {
        switch error as? FluxError {
        case .invalidInput?, .validation?: return ExitCodes.invalidInput
        default: return ExitCodes.failure
        }
    }
}

/// "Pending 42%" on stderr: rewritten in place on a terminal, one line per change otherwise.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var last = ""
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ result: ResultResponse) {
        guard enabled, !result.status.isFinal else { return }
        let percent = result.progress.map { " \(Int(($0 * 100).rounded()))%" } ?? ""
        let text = "\(result.status.text)\(percent)"
        lock.withLock {
            guard text != last else { return }
            last = text
            if Console.stderrIsTerminal {
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
                drawn = true
            } else {
                Console.error(text)
            }
        }
    }

    func end() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)); drawn = false }
        }
    }
}
