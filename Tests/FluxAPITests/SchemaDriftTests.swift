import Foundation
import Testing
@testable import FluxAPI

/// `flux-tui spec diff` and `--spec`: comparing the registry with a document, and a catalog
/// rebuilt from a newer one.
@Suite struct SchemaDriftTests {
    static func vendoredJSON() throws -> JSONValue { try OpenAPIRegistryTests.vendored().json }

    static func document(_ json: JSONValue) throws -> OpenAPIDocument {
        try OpenAPIDocument.parse(Data(json.serialized().utf8))
    }

    /// `json` with the value at `path` replaced (nil removes it); missing objects are created.
    static func edited(_ json: JSONValue, _ path: [String], _ value: JSONValue?) -> JSONValue {
        guard let key = path.first else { return value ?? .null }
        var members = json.objectValue ?? [:]
        if path.count == 1 {
            members[key] = value
        } else {
            members[key] = edited(members[key] ?? .object([:]), Array(path.dropFirst()), value)
        }
        return .object(members)
    }

    /// A copy of the vendored document with one edit of each kind `spec diff` reports.
    static func editedDocument() throws -> JSONValue {
        var json = try vendoredJSON()
        let schemas = ["components", "schemas"]
        json = edited(json, schemas + ["FluxDevInputs", "properties", "steps", "anyOf"],
                      .array([.object(["type": .string("integer"), "minimum": .double(1), "maximum": .double(60)]),
                              .object(["type": .string("null")])]))
        json = edited(json, schemas + ["FluxProExpandInputs", "properties", "prompt_upsampling"], nil)
        json = edited(json, schemas + ["FluxProExpandInputs", "properties", "mask_blur"],
                      .object(["type": .string("integer"), "minimum": .double(0), "maximum": .double(64),
                               "description": .string("Blur of the seam.")]))
        json = edited(json, schemas + ["FluxProExpandInputs", "properties", "top"],
                      .object(["type": .string("number"), "default": .int(0), "description": .string("Top.")]))
        json = edited(json, schemas + ["FluxUltraInput", "properties", "raw", "default"], .bool(true))
        json = edited(json, schemas + ["FluxKontextProInputs", "required"], .array([.string("prompt"), .string("input_image")]))
        let flux2Pro = try #require(json["paths"]?["/v1/flux-2-pro"])
        json = edited(json, ["paths", "/v1/flux-3-pro"], flux2Pro)
        json = edited(json, ["paths", "/v1/flux-2-klein-4b"], nil)
        return json
    }

    @Test func theBuiltInRegistryHasNoDriftFromTheVendoredDocument() throws {
        let drift = SchemaDrift.compare(registry: EndpointRegistry.builtIn.endpoints, document: try Self.document(Self.vendoredJSON()))
        #expect(drift.isEmpty, "\(drift.report)")
        #expect(drift.report == "no drift: the registry matches the document")
    }

    @Test func anEditedCopyListsExactlyTheEdits() throws {
        let drift = SchemaDrift.compare(registry: EndpointRegistry.builtIn.endpoints, document: try Self.document(Self.editedDocument()))
        let expected: [SchemaDrift.EndpointChange] = [
            .changed(id: "flux-dev", fields: ["~ steps: maximum 50 -> 60"]),
            .changed(id: "flux-kontext-max", fields: ["~ input_image: required false -> true"]),
            .changed(id: "flux-kontext-pro", fields: ["~ input_image: required false -> true"]),
            .changed(id: "flux-pro-1.0-expand", fields: [
                "+ mask_blur: new field (integer, optional, 0..64)", "- prompt_upsampling: removed",
                "~ top: type integer -> number", "~ top: nullable true -> false", "~ top: maximum 2048 -> none",
                "~ top: minimum 0 -> none",
            ]),
            .changed(id: "flux-pro-1.1-ultra", fields: ["~ raw: default false -> true"]),
            .added(id: "flux-3-pro"),
            .vanished(id: "flux-2-klein-4b"),
        ]
        #expect(Set(drift.changes.map(Self.key)) == Set(expected.map(Self.key)), "\(drift.report)")
        #expect(drift.summary == "endpoints 1 added, 5 changed, 1 vanished")
        #expect(drift.report.contains("+ flux-3-pro: new endpoint in the document"))
        #expect(drift.report.contains("- flux-2-klein-4b: no longer in the document"))
    }

    /// Order-insensitive form of a change (field lines sorted).
    static func key(_ change: SchemaDrift.EndpointChange) -> String {
        switch change {
        case .changed(let id, let fields): return "\(id): " + fields.sorted().joined(separator: " | ")
        default: return "\(change)"
        }
    }

    @Test func retiredEndpointsMissingFromTheDocumentAreNotDrift() throws {
        let drift = SchemaDrift.compare(registry: EndpointRegistry.curated, document: try Self.document(Self.vendoredJSON()))
        // The document's ten newer endpoints are "added"; flux-pro, canny, depth and fine-tuning are retired, not vanished.
        #expect(drift.changes.allSatisfy { if case .added = $0 { return true }; return false }, "\(drift.report)")
        #expect(drift.changes.count == 10)
    }

    @Test func aNewerDocumentRebuildsTheGeneratedEndpointsAndKeepsTheCurated() throws {
        let (catalog, problems) = EndpointRegistry.builtIn.updated(with: try Self.document(Self.editedDocument()),
                                                                   curatedPaths: EndpointRegistry.curatedPaths)
        #expect(problems.isEmpty)
        #expect(catalog.endpoint(named: "flux-3-pro")?.family == .other)
        #expect(catalog.endpoint(named: "flux-3-pro")?.field("input_image")?.kind == .image)
        // Gone from the document: still known (old tasks name it), marked retired.
        #expect(catalog.endpoint(named: "flux-2-klein-4b")?.retiredOnPublicAPI == true)
        #expect(catalog.endpoint(named: "flux-pro-1.0-expand")?.field("mask_blur")?.maximum == 64)
        #expect(catalog.endpoint(named: "flux-kontext-pro")?.field("input_image")?.required == true)
        // The curated endpoints are the tasks-api.md contract and stay as they are.
        #expect(catalog.endpoint(named: "flux-dev")?.field("steps")?.maximum == 50)
        #expect(catalog.endpoints.count == EndpointRegistry.builtIn.endpoints.count + 1)
    }

    @Test func theRegistryCanBeReplacedOnlyBeforeItIsRead() {
        _ = EndpointRegistry.all
        #expect(!EndpointRegistry.install(EndpointCatalog(EndpointRegistry.curated)))
        #expect(EndpointRegistry.all.count == EndpointRegistry.builtIn.endpoints.count)
    }

    @Test(arguments: [
        ("", "not an OpenAPI document: invalid JSON"),
        ("[1, 2]", "not an OpenAPI document: no \"openapi\" version field"),
        (#"{"openapi": "3.1.0"}"#, "not an OpenAPI document: no \"paths\" object"),
        (#"{"openapi": "3.1.0", "paths": {"/v1/credits": {"get": {}}}}"#,
         "not an OpenAPI document: it describes no task endpoints (POST answering AsyncResponse)"),
    ])
    func malformedDocumentsGiveOneLineErrors(text: String, message: String) {
        let error = #expect(throws: OpenAPIError.self) { try OpenAPIDocument.parse(Data(text.utf8)) }
        let description = error?.description ?? ""
        #expect(description.hasPrefix(message), "\(description)")
        #expect(!description.contains("\n"))
    }

    @Test func anUnsupportedFieldTypeLeavesTheEndpointOutWithAReason() throws {
        var json = try Self.vendoredJSON()
        json = Self.edited(json, ["components", "schemas", "FluxProExpandInputs", "properties", "tags"],
                           .object(["type": .string("array"), "description": .string("Tags.")]))
        let (endpoints, problems) = OpenAPIImporter.endpoints(from: try Self.document(json), skipping: EndpointRegistry.curatedPaths)
        #expect(!endpoints.contains { $0.id == "flux-pro-1.0-expand" })
        #expect(problems == ["flux-pro-1.0-expand.tags: type array is not supported"])
    }
}
