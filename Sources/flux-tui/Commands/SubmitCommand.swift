import ArgumentParser
import FluxAPI
import Foundation
import TaskStore

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Submit a task, optionally wait for it and download the image.",
        discussion: """
            Values are typed by the endpoint's fields: `--set width=1024` is sent as a JSON integer, \
            `--set raw=true` as a boolean. For image fields give a path (`--set image=@photo.png` or \
            without @) or an http(s) URL; `--set FIELD=null` sends an explicit null where the field \
            is nullable. Invalid input exits 2 before anything is sent. Before sending, the task's \
            cost is estimated and checked against the day's budget (--budget, FLUX_DAILY_BUDGET, \
            daily_budget) and confirm_above: over the budget exits 2 with the figures; above \
            confirm_above asks on a terminal, else needs --yes. \
            With --sweep or --repeat, the batch's estimated cost is checked the same way, as one sum.

            With --sweep (repeatable) or --repeat the command runs a batch: every combination of the \
            swept values (`--sweep seed=1..8 --sweep guidance=2,3.5,5`: 24 tasks; `--sweep prompt=@prompts.txt`: \
            one task a line), in one process through the app's engine, recorded as one batch in the task \
            database. Exit codes then: 0 all Ready, 3 any moderated or failed, 1 other errors (including \
            tasks left unsent by Ctrl-C), 2 invalid input.
            """)

    @Argument(help: "Operation name, e.g. flux-dev (see `flux-tui endpoints`).") var endpoint: String
    @Option(name: .customLong("set"), help: ArgumentHelp("A field value, FIELD=VALUE (repeatable).", valueName: "field=value"))
    var assignments: [String] = []
    @Flag(help: "Wait for the result and download it.") var wait = false
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Flag(help: "Validate and print the JSON body (base64 shortened) without sending it.") var dryRun = false
    @OptionGroup var sweep: SweepOptions
    @OptionGroup var batch: BatchOptions
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var budget: BudgetOptions

    func run() async throws {
        // A budget that is not a number stops the command before anything else.
        let limits: BudgetLimits
        do { limits = try budget.limits() } catch {
            report(TaskOutcome(id: nil, endpoint: self.endpoint, error: "\(error)"), human: "flux-tui: \(error)")
            throw ExitCodes.invalidInput
        }
        let endpoint: Endpoint
        do { endpoint = try EndpointLookup.find(self.endpoint) } catch {
            report(TaskOutcome(id: nil, endpoint: self.endpoint, error: "\(error)"), human: "flux-tui: \(error)")
            throw ExitCodes.invalidInput
        }
        let (parameters, parseIssues) = AssignmentParser.parse(assignments, for: endpoint)
        if sweep.isBatch { return try await runBatch(endpoint, base: parameters, parseIssues: parseIssues, limits: limits) }
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
        let estimate = CommandLineSpend.estimator().estimate(endpoint, parameters, images: prepared.images)
        if dryRun {
            Console.out(RequestEncoder.preview(endpoint, parameters))
            if let estimate { Console.error("flux-tui: estimated cost \(estimate.text)") }
            return
        }
        if let why = budget.refusal(estimate: estimate?.credits, limits: limits) {
            report(TaskOutcome(id: nil, endpoint: endpoint.id, error: "not submitted: \(why)"), human: "flux-tui: not submitted: \(why)")
            throw ExitCodes.invalidInput
        }
        let outcome = try await Backend.with(global) { backend in
            await CommandLineTask(backend: backend, output: output, json: json).submit(prepared, wait: wait)
        }
        try finish(outcome)
    }

    /// A sweep or `--repeat`: plans every task, checks each as a single submit would, checks the
    /// budget against the whole batch's estimate (one sum), and runs them as one batch, or lists
    /// every problem and sends nothing.
    private func runBatch(_ endpoint: Endpoint, base: TaskParameters, parseIssues: [ValidationIssue], limits: BudgetLimits) async throws {
        let plan: SweepPlan
        let requests: [PreparedRequest]
        do {
            let prepared = try SweepRequests.prepare(endpoint, base: base, sweeps: sweep.sweeps, repeats: sweep.repeats,
                                                     parseIssues: parseIssues)
            plan = prepared.plan
            requests = prepared.requests
        } catch {
            let problems = error.problems
            let text = problems.map { "  \($0)" }.joined(separator: "\n")
            report(TaskOutcome(id: nil, endpoint: endpoint.id, error: "invalid input: " + problems.joined(separator: "; ")),
                   human: "flux-tui: invalid input for \(endpoint.id); nothing was sent:\n\(text)")
            throw ExitCodes.invalidInput
        }
        let estimate = CommandLineSpend.estimator().estimate(requests)
        if dryRun {
            for request in requests { Console.out(RequestEncoder.preview(endpoint, request.parameters)) }
            if let estimate { Console.error("flux-tui: estimated cost \(estimate.text) for \(requests.count) tasks") }
            return
        }
        if let why = budget.refusal(estimate: estimate?.credits, limits: limits, what: BudgetGuard.batch(of: requests.count)) {
            report(TaskOutcome(id: nil, endpoint: endpoint.id, error: "not submitted: \(why)"), human: "flux-tui: not submitted: \(why)")
            throw ExitCodes.invalidInput
        }
        let entry = BatchEntry(endpoint: endpoint.id, title: SweepRequests.title(plan), variedFields: plan.variedFields, taskCount: requests.count)
        let tally = try await Backend.with(global) { backend in
            try await CommandLineBatch(backend: backend, output: output, options: batch, json: json, wait: wait).run(entry, requests: requests)
        }
        if let code = tally.exitCode { throw code }
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
