import Foundation
import Testing
@testable import FluxAPI

/// The endpoints built from the vendored OpenAPI document must say exactly what the document says
/// (names, required, nullable, ranges, enums, defaults, kinds), apart from the rules written down
/// in `SchemaSupplements`; and every other document endpoint stays as curated.
@Suite struct OpenAPIRegistryTests {
    /// The project's own copy, read from the source tree (the same bytes the package installs).
    static let vendoredURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/FluxAPI/Resources/bfl-openapi.json")

    static func vendored() throws -> (data: Data, json: JSONValue, document: OpenAPIDocument) {
        let data = try Data(contentsOf: vendoredURL)
        return (data, try JSONValue.parse(data), try OpenAPIDocument.parse(data))
    }

    static let documentedNewIDs = [
        "flux-2-pro", "flux-2-flex", "flux-2-max", "flux-2-klein-4b", "flux-2-klein-9b", "flux-2-pro-preview",
        "flux-2-klein-9b-preview", "flux-kontext-pro", "flux-kontext-max", "flux-pro-1.0-expand",
    ]

    @Test func theInstalledResourceIsTheVendoredCopy() throws {
        let installed = try BuiltInDocument.data.get()
        #expect(installed == (try Self.vendored().data))
        #expect(EndpointRegistry.builtInProblems.isEmpty, "\(EndpointRegistry.builtInProblems)")
    }

    @Test func theRegistryHasTheCurated13AndEveryOtherTaskEndpointOfTheDocument() throws {
        let document = try Self.vendored().document
        #expect(EndpointRegistry.curated.count == 13)
        let generated = EndpointRegistry.all.filter { !EndpointRegistry.curatedPaths.contains($0.path) }
        #expect(Set(generated.map(\.id)) == Set(Self.documentedNewIDs))
        #expect(EndpointRegistry.all.count == 13 + Self.documentedNewIDs.count)
        for operation in document.operations {
            #expect(EndpointRegistry.endpoint(path: operation.path) != nil, "\(operation.path) missing")
        }
        // Utility calls are not task endpoints.
        #expect(document.operation(path: "/v1/delete_finetune") == nil)
        #expect(document.operation(path: "/v1/get_result") == nil)
    }

    @Test(arguments: documentedNewIDs)
    func generatedFieldsMatchTheDocument(id: String) throws {
        let (_, json, _) = try Self.vendored()
        let endpoint = try #require(EndpointRegistry.endpoint(named: id))
        let operation = try #require(json["paths"]?["/v1/\(id)"]?["post"])
        let ref = try #require(operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.stringValue)
        let schemas = try #require(json["components"]?["schemas"])
        let model = try #require(schemas[String(ref.split(separator: "/").last!)])
        let properties = try #require(model["properties"]?.objectValue)
        let required = Set((model["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        #expect(endpoint.operation == operation["operationId"]?.stringValue)
        #expect(Set(endpoint.fields.map(\.name)) == Set(properties.keys), "\(id) field names")
        for (name, property) in properties {
            let field = try #require(endpoint.field(name), "\(id) lacks \(name)")
            let variants = property["anyOf"]?.arrayValue ?? [property]
            let typed = variants.first { $0["type"]?.stringValue != "null" } ?? property
            let context = "\(id).\(name)"
            #expect(field.nullable == variants.contains { $0["type"]?.stringValue == "null" }, "\(context) nullable")
            #expect(field.required == required.contains(name), "\(context) required")
            #expect(field.minimum == typed["minimum"]?.doubleValue, "\(context) minimum")
            #expect(field.maximum == typed["maximum"]?.doubleValue, "\(context) maximum")
            #expect(field.maxLength == typed["maxLength"]?.intValue, "\(context) maxLength")
            #expect(field.minLength == typed["minLength"]?.intValue, "\(context) minLength")
            // The one supplement: FLUX.2 sides are multiples of 16 (the document is silent).
            let multiple = typed["multipleOf"]?.intValue ?? (id.hasPrefix("flux-2-") && (name == "width" || name == "height") ? 16 : nil)
            #expect(field.multipleOf == multiple, "\(context) multipleOf")
            if let documented = property["default"] {
                #expect(field.defaultValue?.doubleValue == documented.doubleValue
                        && field.defaultValue?.stringValue == documented.stringValue
                        && field.defaultValue?.boolValue == documented.boolValue, "\(context) default")
            } else {
                #expect(field.defaultValue == nil, "\(context) has a default the document does not give")
            }
            if let ref = typed["$ref"]?.stringValue {
                let values = schemas[String(ref.split(separator: "/").last!)]?["enum"]?.arrayValue?.compactMap(\.stringValue)
                #expect(field.kind == .choice(try #require(values)), "\(context) enum")
            }
            let help = property["description"]?.stringValue ?? property["title"]?.stringValue
            if let help { #expect(field.help == help, "\(context) help") }
            #expect(!field.help.isEmpty, "\(context) help")
            switch typed["type"]?.stringValue {
            case "integer": #expect(field.kind == .integer, "\(context) kind")
            case "number": #expect(field.kind == .number, "\(context) kind")
            case "boolean": #expect(field.kind == .boolean, "\(context) kind")
            case "string":
                let expected: FieldKind = name == "image" || name.range(of: #"^input_image(_[2-8])?$"#, options: .regularExpression) != nil
                    ? .image
                    : typed["format"]?.stringValue == "uri" ? .url
                    : name == "webhook_secret" ? .secret : name == "aspect_ratio" ? .aspectRatio : .text
                #expect(field.kind == expected, "\(context) kind \(field.kind.name)")
            default:
                #expect(typed["$ref"] != nil, "\(context) has no type")
            }
        }
    }

    @Test func familiesTitlesAndRules() throws {
        func endpoint(_ id: String) throws -> Endpoint { try #require(EndpointRegistry.endpoint(named: id)) }
        #expect(try endpoint("flux-2-pro").family == .flux2)
        #expect(try endpoint("flux-2-klein-9b-preview").family == .flux2)
        #expect(try endpoint("flux-kontext-max").family == .kontext)
        #expect(try endpoint("flux-pro-1.0-expand").family == .expand)
        #expect(try endpoint("flux-2-pro").title == "FLUX.2 [PRO]")
        #expect(try endpoint("flux-kontext-pro").title == "FLUX.1 Kontext [pro]")
        #expect(try endpoint("flux-2-pro").rules == [.outputPixelsAtMost(2048 * 2048), .webhookSecretNeedsURL])
        #expect(try endpoint("flux-kontext-pro").rules == [.webhookSecretNeedsURL])
        #expect(try !endpoint("flux-2-pro").retiredOnPublicAPI)
        #expect(try endpoint("flux-2-klein-4b").typicalSeconds < endpoint("flux-2-max").typicalSeconds)
        // Forms: the prompt first, reference images next, rarely used fields last.
        let names = try endpoint("flux-2-pro").fields.map(\.name)
        #expect(Array(names.prefix(3)) == ["prompt", "input_image", "input_image_2"])
        #expect(try endpoint("flux-2-pro").field("input_image_5")?.advanced == true)
        #expect(try endpoint("flux-2-pro").field("width")?.advanced == false)
        #expect(try endpoint("flux-2-flex").field("prompt_upsampling")?.defaultValue == .bool(true))
        #expect(try endpoint("flux-2-flex").field("input_image_blob_path")?.kind == .text)
    }

    @Test func flux2SizesMustBeMultiplesOf16AndAtMost4Megapixels() throws {
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-2-pro"))
        func issues(_ values: [String: FieldValue]) -> [ValidationIssue] {
            Validator.validate(endpoint, TaskParameters(["prompt": .text("p")].merging(values) { $1 }))
        }
        #expect(issues(["width": .integer(1024), "height": .integer(768)]).isEmpty)
        #expect(issues(["width": .integer(1000)]).map(\.message) == ["must be a multiple of 16 (try 992 or 1008)"])
        #expect(issues(["width": .integer(32)]).map(\.type) == ["greater_than_equal"])
        let tooBig = issues(["width": .integer(2048), "height": .integer(2064)])
        #expect(tooBig.map(\.type) == ["too_many_pixels"])
        #expect(tooBig.first?.message == "2048x2064 is more than 4 MP (4194304 pixels); make the image smaller")
        #expect(issues(["width": .integer(2048), "height": .integer(2048)]).isEmpty)
        #expect(issues(["steps": .integer(20)]).map(\.type) == ["extra_forbidden"])
    }

    @Test func theDocumentsOwnDefaultsContradictItOnlyWhereKnown() throws {
        // FLUX.2 width/height default to 0 ("from the input image") below their minimum of 64;
        // the registry keeps the document's default and never sends it (absent fields are omitted).
        let field = try #require(EndpointRegistry.endpoint(named: "flux-2-pro")?.field("width"))
        #expect(field.defaultValue == .int(0) && field.minimum == 64)
        let body = try RequestEncoder.encode(try #require(EndpointRegistry.endpoint(named: "flux-2-pro")),
                                             TaskParameters(["prompt": .text("p")]))
        #expect(String(decoding: body, as: UTF8.self) == #"{"prompt":"p"}"#)
    }
}

@Suite struct InstalledDocumentTests {
    @Test func anInstalledBinaryFindsTheDocumentBesideItsBinFolder() throws {
        let prefix = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flux-doc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let share = prefix.appendingPathComponent("share/flux-tui")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        let executable = prefix.appendingPathComponent("bin/flux-tui")
        #expect(BuiltInDocument.installedURL(executable: executable) == nil)
        try Data("{}".utf8).write(to: share.appendingPathComponent("bfl-openapi.json"))
        #expect(BuiltInDocument.installedURL(executable: executable)?.path == share.appendingPathComponent("bfl-openapi.json").path)
    }
}
