import ArgumentParser
import FluxAPI
import Foundation
import TaskStore

struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch", abstract: "Run the tasks of a JSONL file (one task a line) as one batch.",
        discussion: """
            Each line is {"endpoint": "flux-dev", "params": {"prompt": "a fox", "seed": 3}}; image fields \
            take "@path" (relative to the file's folder) or an http(s) URL. Every line is checked before \
            the first task is sent: any invalid line lists every problem with its line number, sends \
            nothing and exits 2. The tasks are recorded as one batch in the task database, so the app \
            shows them. The batch's estimated cost, as one sum, is checked against the day's budget \
            (--budget, FLUX_DAILY_BUDGET, daily_budget) and confirm_above as `submit` checks a task: \
            over the budget exits 2 with the figures and sends nothing. Exit codes: 0 all Ready, 3 any \
            moderated or failed, 1 other errors (including tasks left unsent by Ctrl-C), 2 invalid input.
            """)

    @Argument(help: ArgumentHelp("The batch file, or - for standard input.", valueName: "file.jsonl")) var file: String
    @Flag(help: "Wait for every task and download the results (otherwise stop once all are sent).") var wait = false
    @Flag(help: "Print one JSON object a task as it ends (JSONL), then a summary object.") var json = false
    @OptionGroup var batch: BatchOptions
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var budget: BudgetOptions

    func run() async throws {
        // A budget that is not a number stops the command before anything else.
        let limits: BudgetLimits
        do { limits = try budget.limits() } catch {
            throw stop("\(error)")
        }
        let data: Data
        let directory: URL
        let title: String
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
            directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            title = "batch from standard input"
        } else {
            let url = URL(fileURLWithPath: ValueParser.expandPath(file))
            do { data = try Data(contentsOf: url) } catch {
                let exists = FileManager.default.fileExists(atPath: url.path)
                throw refuse([BatchFile.Problem(line: nil, exists ? "cannot read \(url.path)" : "the file \(url.path) does not exist")])
            }
            directory = url.deletingLastPathComponent()
            title = url.lastPathComponent
        }
        let entries: [BatchFile.Entry]
        do { entries = try BatchFile.parse(data, directory: directory) } catch {
            throw refuse(error.problems)
        }
        let requests = entries.map(\.request)
        // The whole batch as one sum, task by task: a file may mix endpoints and sizes.
        let estimate = CommandLineSpend.estimator().estimate(requests)
        if let why = budget.refusal(estimate: estimate?.credits, limits: limits, what: BudgetGuard.batch(of: requests.count)) {
            throw stop("not submitted: \(why)")
        }
        let endpoints = Set(requests.map(\.endpoint.id))
        let entry = BatchEntry(endpoint: endpoints.count == 1 ? endpoints.first : nil, title: title,
                               variedFields: BatchFile.variedFields(requests), taskCount: requests.count)
        let tally = try await Backend.with(global) { backend in
            try await CommandLineBatch(backend: backend, output: output, options: batch, json: json, wait: wait).run(entry, requests: requests)
        }
        if let code = tally.exitCode { throw code }
    }

    /// One reason the batch is not sent (a budget), then exit 2.
    private func stop(_ message: String) -> ExitCode {
        if json { Console.out(JSONValue.object(["error": .string(message)]).serialized()) } else { Console.error("flux-tui: \(message)") }
        return ExitCodes.invalidInput
    }

    /// Every problem, then exit 2; nothing was sent.
    private func refuse(_ problems: [BatchFile.Problem]) -> ExitCode {
        let name = file == "-" ? "standard input" : file
        if json {
            let list = problems.map { JSONValue.object(["line": $0.line.map(JSONValue.int) ?? .null, "message": .string($0.message)]) }
            Console.out(JSONValue.object(["error": .string("invalid input; nothing was sent"), "problems": .array(list)]).serialized())
        } else {
            let count = problems.count == 1 ? "a problem" : "\(problems.count) problems"
            Console.error("flux-tui: \(name) has \(count); nothing was sent:\n" + problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        return ExitCodes.invalidInput
    }
}
