import ArgumentParser
import FluxAPI
import Foundation

struct SpecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec", abstract: "Compare the built-in endpoints with an OpenAPI document.",
        subcommands: [SpecDiffCommand.self])
}

struct SpecDiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Print per endpoint the fields added, removed, re-typed or changed in an OpenAPI document.",
        discussion: "Exit codes: 0 no drift, 4 drift, 1 the document cannot be read.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("An OpenAPI JSON file or http(s) URL (default: <server>/openapi.json).", valueName: "file-or-url"))
    var source: String?

    func run() async throws {
        let document: OpenAPIDocument
        do {
            if let source {
                document = try await SpecSource.load(source)
            } else {
                document = try await Backend.with(global) { backend in
                    try await OpenAPIDocument.fetch(backend.client.configuration.serverURL.appendingPathComponent("openapi.json"),
                                                    transport: backend.client.transport)
                }
            }
        } catch let failure as OpenAPIError {
            Console.error("flux-tui: \(failure)")
            throw ExitCodes.failure
        }
        let drift = SchemaDrift.compare(registry: EndpointRegistry.all, document: document)
        Console.out(drift.report)
        if !drift.isEmpty { throw ExitCode(4) }
    }
}

/// Reads an OpenAPI document from a file or an http(s) URL; every failure is one line.
enum SpecSource {
    static func load(_ location: String) async throws(OpenAPIError) -> OpenAPIDocument {
        if let url = URL(string: location), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" {
            return try await OpenAPIDocument.fetch(url)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: ValueParser.expandPath(location))) } catch {
            throw .unreadable("cannot read \(location): \((error as NSError).localizedDescription)")
        }
        do { return try OpenAPIDocument.parse(data) } catch { throw .unreadable("\(location): \(error)") }
    }
}

/// `--spec` / `spec = "..."`: the registry rebuilt from a newer document before anything reads it.
enum SpecStartup {
    /// Installs the document's endpoints; returns the one-line status-bar notice (drift, or why
    /// the document was not used), nil when it matches the built-in one.
    static func install(_ location: String) async -> String? {
        let document: OpenAPIDocument
        do { document = try await SpecSource.load(location) } catch {
            return "spec: \(error); using the built-in endpoints"
        }
        let (catalog, problems) = EndpointRegistry.builtIn.updated(with: document, curatedPaths: EndpointRegistry.curatedPaths)
        guard EndpointRegistry.install(catalog) else { return "spec: loaded too late; using the built-in endpoints" }
        let drift = SchemaDrift.compare(registry: EndpointRegistry.builtIn.endpoints, document: document)
        let unreadable = problems.isEmpty ? "" : "; \(problems.count) unreadable (\(problems[0]))"
        guard !drift.isEmpty || !problems.isEmpty else { return nil }
        return "spec differs from the built-in API: \(drift.summary)\(unreadable) (flux-tui spec diff \(location))"
    }
}
