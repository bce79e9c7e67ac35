import ArgumentParser
import FluxAPI
import Foundation
import TaskStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the app's tasks (parameters, seed, status, timings, cost, outputs) as JSON Lines, CSV or Markdown.",
        discussion: """
            Reads the task database ($XDG_DATA_HOME/flux-tui/tasks.sqlite), oldest task first. Markdown is a table \
            with each image linked relative to the output file's folder. Exit code 2 for a bad option.
            """)

    @Option(help: ArgumentHelp("jsonl, csv or md.", valueName: "format")) var format: String?
    @Option(help: ArgumentHelp("Only tasks created since: an age (90m, 12h, 7d, 2w) or a date (2026-12-01, UTC).", valueName: "age|date"))
    var since: String?
    @Option(help: ArgumentHelp("Only tasks of this endpoint.", valueName: "endpoint")) var endpoint: String?
    @Option(help: ArgumentHelp("Only the tasks of this batch (its id or the first characters of it).", valueName: "batch"))
    var batch: String?
    @Option(name: [.customShort("o"), .customLong("output-file")], help: ArgumentHelp("Write to this file (default: standard output).", valueName: "file"))
    var output: String?

    func run() throws {
        do {
            let (count, destination) = try export()
            Console.error("flux-tui: exported \(count) task\(count == 1 ? "" : "s")\(destination.map { " to \($0)" } ?? "")")
        } catch let failure as StoredTasks.Failure {
            Console.error("flux-tui: \(failure.message)")
            throw failure.code
        }
    }

    func export() throws -> (Int, String?) {
        guard let formatText = format else { throw StoredTasks.Failure("--format is required: jsonl, csv or md") }
        guard let format = ExportFormat(rawValue: formatText.lowercased()) else {
            throw StoredTasks.Failure("unknown format '\(formatText)': use jsonl, csv or md")
        }
        var filter = ExportFilter()
        if let since {
            do { filter.since = try ExportSince.parse(since) } catch { throw StoredTasks.Failure("\(error)") }
        }
        let store = try StoredTasks.open()
        if let endpoint {
            let known = EndpointRegistry.endpoint(named: endpoint) != nil
                || ((try? store?.tasks(includeHidden: true))?.contains { $0.endpoint == endpoint } ?? false)
            guard known else { throw StoredTasks.Failure("unknown endpoint '\(endpoint)': `flux-tui endpoints` lists them") }
            filter.endpoint = endpoint
        }
        if let batch {
            let found: [BatchEntry]
            do { found = try store.map { try StoredTasks.batches(matching: batch, in: $0) } ?? [] } catch {
                throw StoredTasks.Failure("cannot read the task database \(StoredTasks.databaseFile.path): \(error)", code: ExitCodes.failure)
            }
            if found.count == 1 {
                filter.batchID = found[0].id
            } else {
                throw StoredTasks.Failure(found.isEmpty ? "no batch id starts with '\(batch)'"
                                          : "'\(batch)' matches \(found.count) batches; type more of the id")
            }
        }
        let tasks: [TaskEntry]
        do { tasks = try store?.tasks() ?? [] } catch {
            throw StoredTasks.Failure("cannot read the task database \(StoredTasks.databaseFile.path): \(error)", code: ExitCodes.failure)
        }
        let chosen = tasks.filter(filter.includes)
        guard let output else {
            let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let text = TaskExport.render(chosen.sorted { $0.createdAt < $1.createdAt }, as: format, folder: folder)
            // On a terminal, stored text (prompts, server errors) must not drive it: controls become "?".
            FileHandle.standardOutput.write(Data((isatty(STDOUT_FILENO) == 1 ? Console.safe(text) : text).utf8))
            return (chosen.count, nil)
        }
        let file = URL(fileURLWithPath: ValueParser.expandPath(output))
        do { return (try TaskExportFile.write(chosen, as: format, to: file), file.path) } catch {
            throw StoredTasks.Failure("\(error)", code: ExitCodes.failure)
        }
    }
}
