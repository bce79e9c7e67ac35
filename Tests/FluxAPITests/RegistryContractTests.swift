import Foundation
import Testing
@testable import FluxAPI

/// The registry must not drift from the contract: the SDK reference for the nine operations it
/// spells out, the issue's field lists for the four it does not, and the public OpenAPI
/// description's ranges and defaults where it covers an endpoint.
@Suite struct RegistryContractTests {
    /// Vendored copies of the contract (where they came from: the README beside them).
    static let referenceDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/api-reference")

    struct DocumentedField: Equatable, CustomStringConvertible {
        let name: String
        let required: Bool
        let nullable: Bool
        var description: String { "\(name)(required: \(required), nullable: \(nullable))" }
    }

    /// Parses each operation's "### Parameters" table from tasks-api.md.
    static func documentedOperations() throws -> [String: [DocumentedField]] {
        let url = referenceDirectory.appendingPathComponent("tasks-api.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        var result: [String: [DocumentedField]] = [:]
        var current: String?
        var inParameters = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("## ") {
                current = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                inParameters = false
            } else if line.hasPrefix("### ") {
                inParameters = line.hasPrefix("### Parameters")
            } else if inParameters, let op = current, line.hasPrefix("| `") {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count > 3 else { continue }
                let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
                if name == "retries" || name == "request" { continue }
                result[op, default: []].append(DocumentedField(
                    name: name, required: cells[3].contains("heavy_check_mark"), nullable: cells[2].contains("OptionalNullable")))
            }
        }
        return result
    }

    @Test func referenceIsPresentAndParsed() throws {
        let ops = try Self.documentedOperations()
        // Nine operations list their fields inline; four name a model only (`request`).
        #expect(ops.count == 9, "parsed \(ops.keys.sorted())")
    }

    @Test func registryHasAllThirteenOperationsWithUniqueNames() {
        #expect(EndpointRegistry.curated.count == 13)
        #expect(EndpointRegistry.curated.allSatisfy { EndpointRegistry.endpoint(path: $0.path) == $0 })
        let count = EndpointRegistry.all.count
        #expect(Set(EndpointRegistry.all.map(\.id)).count == count)
        #expect(Set(EndpointRegistry.all.map(\.path)).count == count)
        for endpoint in EndpointRegistry.all {
            #expect(endpoint.path == "/v1/" + endpoint.id)
            #expect(Set(endpoint.fields.map(\.name)).count == endpoint.fields.count, "duplicate field in \(endpoint.id)")
            for field in endpoint.fields { #expect(!field.help.isEmpty, "\(endpoint.id).\(field.name) has no help") }
        }
    }

    @Test(arguments: [
        "fill_v1_flux_pro_1_0_fill_post", "pro_canny_v1_flux_pro_1_0_canny_post", "pro_depth_v1_flux_pro_1_0_depth_post",
        "finetune_v1_finetune_post", "flux_pro_finetuned_v1_flux_pro_finetuned_post",
        "flux_pro_1_0_depth_finetuned_v1_flux_pro_1_0_depth_finetuned_post",
        "flux_pro_1_0_canny_finetuned_v1_flux_pro_1_0_canny_finetuned_post",
        "flux_pro_1_0_fill_finetuned_v1_flux_pro_1_0_fill_finetuned_post",
        "generate_bigblue_finetuned_v1_flux_pro_1_1_ultra_finetuned_post",
    ])
    func fieldsMatchTheSDKReference(operation: String) throws {
        let documented = try #require(try Self.documentedOperations()[operation], "no section for \(operation)")
        let endpoint = try #require(EndpointRegistry.endpoint(named: operation))
        let registry = endpoint.fields.map { DocumentedField(name: $0.name, required: $0.required, nullable: $0.nullable) }
        #expect(Set(registry.map(\.name)) == Set(documented.map(\.name)), "field names differ for \(endpoint.id)")
        for field in documented {
            let mine = registry.first { $0.name == field.name }
            #expect(mine == field, "\(endpoint.id): registry has \(String(describing: mine)), reference \(field)")
        }
    }

    @Test func theFourModelsTheReferenceOnlyNamesHaveTheIssuesFields() throws {
        let base = ["prompt", "image_prompt", "width", "height", "prompt_upsampling", "seed", "safety_tolerance",
                    "output_format", "webhook_url", "webhook_secret"]
        let expected: [String: [String]] = [
            "flux-pro-1.1": base,
            "flux-pro": base + ["steps", "guidance", "interval"],
            "flux-dev": base + ["steps", "guidance"],
            "flux-pro-1.1-ultra": ["prompt", "seed", "aspect_ratio", "safety_tolerance", "output_format", "raw",
                                   "image_prompt", "image_prompt_strength", "prompt_upsampling", "webhook_url", "webhook_secret"],
        ]
        for (id, names) in expected {
            let endpoint = try #require(EndpointRegistry.endpoint(named: id))
            #expect(Set(endpoint.fields.map(\.name)) == Set(names), "\(id)")
            #expect(endpoint.requiredFields.isEmpty, "\(id) has no required fields")
        }
    }

    /// Ranges, defaults, multiples, enums and nullability from the public OpenAPI description.
    @Test(arguments: [
        ("FluxPro11Inputs", "flux-pro-1.1"), ("FluxDevInputs", "flux-dev"), ("FluxUltraInput", "flux-pro-1.1-ultra"),
        ("FluxProFillInputs", "flux-pro-1.0-fill"), ("FinetuneFluxProFillInputs", "flux-pro-1.0-fill-finetuned"),
        ("FinetuneFluxUltraInput", "flux-pro-1.1-ultra-finetuned"),
    ])
    func constraintsMatchTheOpenAPIDescription(schema: String, endpointID: String) throws {
        // The project's vendored copy (the package resource the registry is built from).
        let data = try Data(contentsOf: OpenAPIRegistryTests.vendoredURL)
        let spec = try JSONValue.parse(data)
        let schemas = try #require(spec["components"]?["schemas"])
        let model = try #require(schemas[schema])
        let properties = try #require(model["properties"]?.objectValue)
        let required = Set((model["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        let endpoint = try #require(EndpointRegistry.endpoint(named: endpointID))
        #expect(Set(endpoint.fields.map(\.name)) == Set(properties.keys), "\(endpointID) field names")
        for (name, property) in properties {
            let field = try #require(endpoint.field(name), "\(endpointID) lacks \(name)")
            let variants = property["anyOf"]?.arrayValue ?? [property]
            let nullable = variants.contains { $0["type"]?.stringValue == "null" }
            let typed = variants.first { $0["type"]?.stringValue != "null" } ?? property
            #expect(field.nullable == nullable, "\(endpointID).\(name) nullable")
            #expect(field.required == required.contains(name), "\(endpointID).\(name) required")
            #expect(field.minimum == typed["minimum"]?.doubleValue, "\(endpointID).\(name) minimum")
            #expect(field.maximum == typed["maximum"]?.doubleValue, "\(endpointID).\(name) maximum")
            #expect(field.multipleOf == typed["multipleOf"]?.intValue, "\(endpointID).\(name) multipleOf")
            if let max = typed["maxLength"]?.intValue { #expect(field.maxLength == max, "\(endpointID).\(name) maxLength") }
            if let def = property["default"], !(name == "prompt" && field.required) {
                #expect(field.defaultValue?.doubleValue == def.doubleValue && field.defaultValue?.stringValue == def.stringValue
                        && field.defaultValue?.boolValue == def.boolValue, "\(endpointID).\(name) default \(def) vs \(String(describing: field.defaultValue))")
            }
            if let ref = typed["$ref"]?.stringValue, ref.hasSuffix("/OutputFormat") {
                let values = schemas["OutputFormat"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(field.kind.choices == values, "\(endpointID).\(name) choices")
            }
            switch typed["type"]?.stringValue {
            case "integer": #expect(field.kind == .integer, "\(endpointID).\(name) kind")
            case "number": #expect(field.kind == .number, "\(endpointID).\(name) kind")
            case "boolean": #expect(field.kind == .boolean, "\(endpointID).\(name) kind")
            default: break
            }
        }
    }

    @Test func apiNotesRangesForEndpointsTheOpenAPIFileNoLongerCovers() throws {
        func field(_ e: String, _ f: String) throws -> FieldSpec {
            try #require(EndpointRegistry.endpoint(named: e)?.field(f), "\(e).\(f)")
        }
        #expect(try field("flux-pro", "steps").defaultValue == .int(40))
        #expect(try field("flux-pro", "interval").minimum == 1)
        #expect(try field("flux-pro", "interval").maximum == 4)
        #expect(try field("flux-pro-1.0-canny", "canny_low_threshold").defaultValue == .int(50))
        #expect(try field("flux-pro-1.0-canny", "canny_high_threshold").maximum == 500)
        #expect(try field("flux-pro-1.0-canny", "guidance").defaultValue == .double(30))
        #expect(try field("flux-pro-1.0-depth", "guidance").defaultValue == .double(15))
        #expect(try field("finetune", "iterations").minimum == 100)
        #expect(try field("finetune", "lora_rank").kind == .choice(["16", "32"], integerValues: true))
        #expect(try field("finetune", "mode").kind.choices == ["general", "character", "style", "product"])
        #expect(try field("flux-pro-finetuned", "finetune_strength").defaultValue == .double(1.1))
    }
}
