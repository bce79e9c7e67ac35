import ArgumentParser
import FluxAPI
import Foundation

struct FinetuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune", abstract: "Create a fine-tune from a folder of images and captions.",
        subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Zip a folder of images (with same-named .txt captions) and submit it as a fine-tune.",
            discussion: """
                The folder is checked first (formats, captions, duplicates, size); problems are listed and \
                nothing is sent while an error stands. The archive is streamed, so memory stays flat. \
                Fields as for `flux-tui describe finetune`, e.g. --set finetune_comment=my-dog --set mode=character.
                """)

        @Argument(help: "Folder of training images.") var folder: String
        @Option(name: .customLong("set"), help: ArgumentHelp("A field value, FIELD=VALUE (repeatable).", valueName: "field=value"))
        var assignments: [String] = []
        @Flag(help: "Wait for the training to finish.") var wait = false
        @Flag(help: "Print one JSON object instead of text.") var json = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var budget: BudgetOptions

        func run() async throws {
            let limits: BudgetLimits
            do { limits = try budget.limits() } catch {
                fail("\(error)")
                throw ExitCodes.invalidInput
            }
            let endpoint = EndpointRegistry.endpoint(named: "finetune")!
            let directory = URL(fileURLWithPath: ValueParser.expandPath(folder))
            var (parameters, issues) = AssignmentParser.parse(assignments, for: endpoint)
            if parameters["file_data"] != nil {
                issues.append(.error("file_data", "comes from the folder; do not set it"))
            }
            var isDirectory: ObjCBool = false
            let isFolder = FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue
            // Not a folder: the scan says what is there instead, and the other fields are checked
            // as if the folder were.
            if !isFolder { issues += FinetuneDataset.scan(directory).issues }
            parameters["file_data"] = .file(directory.path)
            var prepared: PreparedRequest?
            switch RequestPreparer.prepare(endpoint, parameters) {
            case .success(let request): prepared = request
            case .failure(.invalidInput(let found)): issues += found.filter { isFolder || $0.field != "file_data" }
            case .failure(let error): issues.append(.error(nil, "\(error)"))
            }
            issues += prepared?.warnings ?? []
            let errors = issues.errors
            if !json { for warning in issues where warning.severity == .warning { Console.error("flux-tui: \(warning)") } }
            guard errors.isEmpty, let prepared, let dataset = prepared.dataset else {
                if json {
                    Console.out(TaskOutcome(id: nil, endpoint: "finetune", error: "invalid input: " + errors.map(\.description).joined(separator: "; ")).json.serialized())
                } else {
                    Console.error("flux-tui: cannot create the fine-tune; nothing was sent:\n" + errors.map { "  \($0)" }.joined(separator: "\n"))
                }
                throw ExitCodes.invalidInput
            }
            if !json {
                Console.error("flux-tui: \(dataset.images.count) image\(dataset.images.count == 1 ? "" : "s") (\(dataset.captionedCount) captioned), "
                              + "upload \(ByteCountFormatter.string(fromByteCount: Int64(dataset.uploadBytes), countStyle: .file))")
            }
            if let why = budget.refusal(estimate: CommandLineSpend.estimator().estimate(endpoint, parameters)?.credits, limits: limits,
                                        what: "this fine-tune") {
                fail("not submitted: \(why)")
                throw ExitCodes.invalidInput
            }
            // The ZIP is made while it uploads (no temporary copy), through the same engine as the app.
            let json = self.json
            let wait = self.wait
            let result = try await Backend.with(global) { backend in
                await CommandLineTask(backend: backend, json: json).submit(prepared, wait: wait)
            }
            if json { Console.out(result.outcome.json.serialized()) }
            if let code = result.exitCode { throw code }
        }

        private func fail(_ message: String) {
            if json { Console.out(TaskOutcome(id: nil, endpoint: "finetune", error: message).json.serialized()) } else { Console.error("flux-tui: \(message)") }
        }
    }
}
