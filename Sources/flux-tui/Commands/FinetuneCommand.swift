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

        func run() async throws {
            let endpoint = EndpointRegistry.endpoint(named: "finetune")!
            let directory = URL(fileURLWithPath: ValueParser.expandPath(folder))
            let dataset = FinetuneDataset.scan(directory)
            var (parameters, issues) = AssignmentParser.parse(assignments, for: endpoint)
            if parameters["file_data"] != nil {
                issues.append(.error("file_data", "comes from the folder; do not set it"))
            }
            // Validate the other fields as if the archive were there.
            parameters["file_data"] = .base64("UEsDBA==")
            let fieldIssues = Validator.validate(endpoint, parameters)
            parameters["file_data"] = nil
            issues += fieldIssues + dataset.issues
            let errors = issues.errors
            let warnings = issues.filter { $0.severity == .warning }
            if !json { for w in warnings { Console.error("flux-tui: \(w)") } }
            let summary = "\(dataset.images.count) image\(dataset.images.count == 1 ? "" : "s") (\(dataset.captionedCount) captioned), "
                + "upload \(ByteCountFormatter.string(fromByteCount: Int64(dataset.uploadBytes), countStyle: .file))"
            guard errors.isEmpty else {
                if json {
                    Console.out(TaskOutcome(id: nil, endpoint: "finetune", error: "invalid input: " + errors.map(\.description).joined(separator: "; ")).json.serialized())
                } else {
                    Console.error("flux-tui: cannot create the fine-tune; nothing was sent:\n" + errors.map { "  \($0)" }.joined(separator: "\n"))
                }
                throw ExitCodes.invalidInput
            }
            if !json { Console.error("flux-tui: \(summary)") }
            // The ZIP is made while it uploads (no temporary copy); planning it reads every
            // file's size now, so an unreadable file stops us before anything is sent.
            let archive = ArchiveSource.zip(try ZipPlan(dataset: dataset))
            let json = self.json
            let wait = self.wait
            let result = try await Backend.with(global) { backend -> FlowResult in
                let line = UploadLine(enabled: !json)
                var outcome = TaskOutcome(id: nil, endpoint: "finetune")
                let submittedAt = Date()
                let answer: SubmitResponse
                do {
                    answer = try await backend.client.submitFinetune(source: archive, parameters: parameters) { sent, total in
                        line.show(sent: sent, total: total)
                    }
                    line.end()
                } catch {
                    line.end()
                    outcome.error = "\(error)"
                    if !json { Console.error("flux-tui: \(error)") }
                    return FlowResult(outcome: outcome, exitCode: TaskFlow.exitCode(for: error))
                }
                outcome.id = answer.id
                outcome.status = .running("Pending")
                if !json { Console.out("submitted fine-tune \(answer.id)") }
                guard wait else { return FlowResult(outcome: outcome, exitCode: nil) }
                let record = TaskRecord(id: answer.id, endpoint: endpoint, parameters: parameters, submittedAt: submittedAt)
                return await TaskFlow(backend: backend, output: OutputOptions(), json: json)
                    .waitAndSave(record: record, pollingURL: answer.pollingURL, outcome: outcome)
            }
            if json { Console.out(result.outcome.json.serialized()) }
            if let code = result.exitCode { throw code }
        }
    }
}

/// "Uploading 42% (12 MB of 30 MB)" on stderr while an archive uploads.
final class UploadLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastPercent = -1
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(sent: Int, total: Int) {
        guard enabled, total > 0 else { return }
        let percent = Int(Double(sent) / Double(total) * 100)
        lock.withLock {
            guard percent != lastPercent else { return }
            lastPercent = percent
            let text = "uploading \(percent)% (\(ByteCountFormatter.string(fromByteCount: Int64(sent), countStyle: .file)) of "
                + "\(ByteCountFormatter.string(fromByteCount: Int64(total), countStyle: .file)))"
            if Console.stderrIsTerminal {
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
                drawn = true
            } else if percent % 25 == 0 {
                Console.error(text)
            }
        }
    }

    func end() {
        lock.withLock { if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)); drawn = false } }
    }
}
