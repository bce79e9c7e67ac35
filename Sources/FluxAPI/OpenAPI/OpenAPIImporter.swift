/// Builds registry endpoints from an OpenAPI document's task operations: every field's kind,
/// required-ness, nullability, default, range, enum values and help come from its schema;
/// what the document does not say comes from `SchemaSupplements`.
public enum OpenAPIImporter {
    /// Endpoints for the document's task operations whose paths are not in `skipping`, and a
    /// one-line problem for each operation that could not be read (it is left out).
    public static func endpoints(from document: OpenAPIDocument, skipping paths: Set<String> = [])
        -> (endpoints: [Endpoint], problems: [String]) {
        var endpoints: [Endpoint] = []
        var problems: [String] = []
        for operation in document.operations where !paths.contains(operation.path) {
            do throws(OpenAPIError) {
                endpoints.append(try endpoint(operation, in: document))
            } catch {
                problems.append(error.description)
            }
        }
        return (endpoints, problems)
    }

    public static func endpoint(_ operation: DocumentedOperation, in document: OpenAPIDocument) throws(OpenAPIError) -> Endpoint {
        guard let properties = operation.schema["properties"]?.objectValue else {
            throw .unsupported(endpoint: operation.id, field: "(body)", reason: "\(operation.schemaName) has no properties")
        }
        let required = Set((operation.schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        let family = SchemaSupplements.family(forID: operation.id)
        var fields: [FieldSpec] = []
        for (name, property) in properties {
            fields.append(try field(name, property, required: required.contains(name), family: family,
                                    endpoint: operation.id, in: document))
        }
        let title = title(fromSummary: operation.summary, fallback: operation.id)
        return Endpoint(
            id: operation.id, path: operation.path, operation: operation.operationID,
            title: title, summary: summary(operation.summary, title: title), family: family,
            fields: SchemaSupplements.ordered(fields),
            rules: SchemaSupplements.rules(family: family, fieldNames: Set(properties.keys)),
            retiredOnPublicAPI: false,
            typicalSeconds: SchemaSupplements.typicalSeconds(forID: operation.id, family: family))
    }

    static func field(_ name: String, _ property: JSONValue, required: Bool, family: EndpointFamily,
                      endpoint: String, in document: OpenAPIDocument) throws(OpenAPIError) -> FieldSpec {
        let variants = property["anyOf"]?.arrayValue ?? [property]
        let nullable = variants.contains { $0["type"]?.stringValue == "null" }
        let values = variants.filter { $0["type"]?.stringValue != "null" }
        guard values.count == 1 else {
            throw .unsupported(endpoint: endpoint, field: name, reason: "a choice of \(values.count) types is not supported")
        }
        let typed = document.resolve(values[0])
        let kind = try self.kind(name, typed, endpoint: endpoint)
        let help = [property["description"], typed["description"], property["title"]]
            .compactMap { $0?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) }
            .first { !$0.isEmpty } ?? humanized(name)
        return FieldSpec(
            name, kind, required: required, nullable: nullable,
            default: property["default"].flatMap { defaultValue($0, kind: kind) },
            min: typed["minimum"]?.doubleValue, max: typed["maximum"]?.doubleValue,
            multipleOf: typed["multipleOf"]?.intValue ?? SchemaSupplements.multipleOf(field: name, family: family),
            minLength: typed["minLength"]?.intValue, maxLength: typed["maxLength"]?.intValue,
            advanced: SchemaSupplements.isAdvanced(name), help: help)
    }

    static func kind(_ name: String, _ typed: JSONValue, endpoint: String) throws(OpenAPIError) -> FieldKind {
        let type = typed["type"]?.stringValue
        if let options = typed["enum"]?.arrayValue {
            let integers = type == "integer"
            let strings = options.compactMap { integers ? $0.intValue.map(String.init) : $0.stringValue }
            guard strings.count == options.count, !strings.isEmpty else {
                throw .unsupported(endpoint: endpoint, field: name, reason: "enum values must be all strings or all integers")
            }
            return .choice(strings, integerValues: integers)
        }
        switch type {
        case "integer": return .integer
        case "number": return .number
        case "boolean": return .boolean
        case "string":
            if SchemaSupplements.isImage(name) { return .image }
            if typed["format"]?.stringValue == "uri" { return .url }
            if name.contains("secret") { return .secret }
            // "Aspect ratio of the image between 21:9 and 9:21" in every schema that has one.
            if name == "aspect_ratio" { return .aspectRatio }
            return .text
        default:
            throw .unsupported(endpoint: endpoint, field: name, reason: "type \(type ?? "(none)") is not supported")
        }
    }

    /// The document's default in the form the registry keeps (integers as .int, numbers as .double).
    static func defaultValue(_ json: JSONValue, kind: FieldKind) -> JSONValue? {
        switch (kind, json) {
        case (_, .null): return nil
        case (.number, _): return json.doubleValue.map(JSONValue.double)
        case (.integer, _), (.choice(_, true), _): return json.intValue.map(JSONValue.int)
        default: return json
        }
    }

    /// The model name of "Generate or edit an image with FLUX.2 [PRO] (recommended for editing)":
    /// "FLUX.2 [PRO]"; without " with ", the action ("Expand an image by ..." -> "Expand an image").
    static func title(fromSummary summary: String, fallback: String) -> String {
        var name = Substring(summary)
        if let with = summary.range(of: " with ") { name = summary[with.upperBound...] }
        for stop in [" (", " using ", " with ", " by ", ". "] {
            if let cut = name.range(of: stop) { name = name[..<cut.lowerBound] }
        }
        let title = name.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        return title.isEmpty ? fallback : title
    }

    /// The operation's summary without the model name the title already shows.
    static func summary(_ text: String, title: String) -> String {
        let trimmed = text.replacingOccurrences(of: " with \(title)", with: "").trimmingCharacters(in: .whitespaces)
        return trimmed.hasSuffix(".") ? trimmed : trimmed + "."
    }

    static func humanized(_ name: String) -> String {
        let words = name.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst() + "."
    }
}

import Foundation
