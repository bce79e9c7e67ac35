import Foundation
import TestSupport
import Testing
@testable import FluxAPI

/// Every task endpoint of the vendored document, submitted by the real client to a local server
/// that checks each body against the document's own schema (an independent checker, not the
/// registry) and refuses what does not fit.
@Suite struct DocumentSchemaSubmitTests {
    static let checker: JSONSchemaChecker? = try? JSONSchemaChecker(document: Data(contentsOf: OpenAPIRegistryTests.vendoredURL))

    static let documentedPaths: [String] = {
        (try? OpenAPIRegistryTests.vendored().document.operations.map(\.path)) ?? []
    }()

    /// A valid value for every field: mid-range numbers on the allowed multiple, the last enum
    /// value, real image files.
    static func everyField(_ endpoint: Endpoint, image: String) -> TaskParameters {
        var values = TaskParameters()
        for field in endpoint.fields {
            values[field.name] = sample(field, image: image)
        }
        return values
    }

    static func requiredOnly(_ endpoint: Endpoint, image: String) -> TaskParameters {
        var values = TaskParameters()
        for field in endpoint.requiredFields { values[field.name] = sample(field, image: image) }
        return values
    }

    static func sample(_ field: FieldSpec, image: String) -> FieldValue {
        switch field.kind {
        case .text: return .text(field.name == "finetune_id" ? "ft-1234" : "a lighthouse at dusk")
        case .secret: return .text("s3cret")
        case .url: return .text("https://example.com/hook")
        case .aspectRatio: return .text("4:3")
        case .boolean: return .boolean(true)
        case .image: return .file(image)
        case .archive: return .file("/nonexistent.zip")
        case .choice(let values, let integers):
            let last = values.last ?? ""
            return integers ? .integer(Int(last) ?? 0) : .text(last)
        case .integer:
            let low = field.minimum ?? 1
            let middle = field.maximum.map { (low + $0) / 2 } ?? low
            let step = field.multipleOf ?? 1
            var value = Int(middle.rounded(.down)) / step * step
            if Double(value) < low { value += step }
            return .integer(value)
        case .number:
            let low = field.minimum ?? 0.5
            return .number(field.maximum.map { (low + $0) / 2 } ?? low)
        }
    }

    @Test func theDocumentDescribesSixteenTaskEndpoints() {
        #expect(Self.documentedPaths.count == 16)
    }

    @Test(arguments: documentedPaths)
    func everyFieldAndRequiredOnlyBodiesFitTheDocumentsSchema(path: String) async throws {
        let checker = try #require(Self.checker)
        let schema = try #require(checker.bodySchema(path: path))
        let endpoint = try #require(EndpointRegistry.endpoint(path: path))
        let directory = Fixtures.temporaryDirectory("flux-schema")
        defer { Fixtures.cleanup(directory) }
        let image = Fixtures.write(Fixtures.png(width: 64, height: 48), "input.png", in: directory).path
        let problems = ProblemLog()
        let server = try await ScriptedHTTPServer.start { request, n in
            let found = checker.problems(request.body, against: schema)
            problems.add(request.path, found)
            guard found.isEmpty else { return .json(422, #"{"detail": "schema check failed"}"#) }
            return .json(200, #"{"id": "task-\#(n)", "polling_url": "http://127.0.0.1/v1/get_result?id=task-\#(n)"}"#)
        }
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("test-key"), retryPolicy: .none))
        do {
            for parameters in [Self.everyField(endpoint, image: image), Self.requiredOnly(endpoint, image: image)] {
                let prepared = try RequestPreparer.prepare(endpoint, parameters).get()
                let answer = try await client.submit(prepared)
                #expect(answer.id.hasPrefix("task-"))
            }
        } catch {
            Issue.record("\(endpoint.id): \(error); schema problems: \(problems.all)")
        }
        await client.shutdown()
        await server.shutdown()
        #expect(problems.all.map(\.path) == [path, path])
        #expect(problems.all.allSatisfy { $0.problems.isEmpty }, "\(problems.all)")
    }

    @Test func theCheckerRefusesWhatTheDocumentForbids() throws {
        let checker = try #require(Self.checker)
        let schema = try #require(checker.bodySchema(path: "/v1/flux-2-pro"))
        func problems(_ json: String) -> [String] { checker.problems(Data(json.utf8), against: schema) }
        #expect(problems(#"{"prompt": "p", "width": 512, "output_format": null}"#).isEmpty)
        #expect(problems(#"{"width": 512}"#) == ["body.prompt: required"])
        #expect(problems(#"{"prompt": "p", "steps": 20}"#) == ["body.steps: not a property of the schema"])
        #expect(problems(#"{"prompt": "p", "width": 32}"#).count == 1)
        #expect(problems(#"{"prompt": "p", "output_format": "gif"}"#).count == 1)
        #expect(problems(#"{"prompt": "p", "safety_tolerance": 2.5}"#).count == 1)
        #expect(problems(#"{"prompt": 7}"#) == ["body.prompt: expected string, got int(7)"])
    }

    /// Only the FLUX.2 sizes default to 0 below their own minimum of 64 (0: "from the input").
    @Test func theDocumentsDefaultsFitTheirSchemasExceptTheFlux2Sizes() throws {
        let checker = try #require(Self.checker)
        var found: Set<String> = []
        for path in Self.documentedPaths {
            let schema = try #require(checker.bodySchema(path: path))
            found.formUnion(checker.defaultProblems(schema, at: path).map { $0.components(separatedBy: " default").first ?? $0 })
        }
        let flux2 = ["flux-2-pro", "flux-2-flex", "flux-2-max", "flux-2-klein-4b", "flux-2-klein-9b", "flux-2-pro-preview",
                     "flux-2-klein-9b-preview"]
        #expect(found == Set(flux2.flatMap { ["/v1/\($0).width", "/v1/\($0).height"] }))
    }
}

/// What the scripted server found, per request.
final class ProblemLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(path: String, problems: [String])] = []

    func add(_ path: String, _ problems: [String]) { lock.withLock { entries.append((path, problems)) } }
    var all: [(path: String, problems: [String])] { lock.withLock { entries } }
}
