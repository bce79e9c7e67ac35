import Foundation

/// Why an OpenAPI document could not be used; one line each, for the status bar and stderr.
public enum OpenAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String)
    case malformed(String)
    case unsupported(endpoint: String, field: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let why): return why
        case .malformed(let why): return "not an OpenAPI document: \(why)"
        case .unsupported(let endpoint, let field, let reason): return "\(endpoint).\(field): \(reason)"
        }
    }
}

/// A task operation as an OpenAPI document describes it: a POST whose JSON body is a schema and
/// whose 200 answer is an `AsyncResponse` (an id to poll). Utility calls (credits, results,
/// fine-tune management) are not tasks and are left out.
public struct DocumentedOperation: Sendable, Equatable {
    /// The path without `/v1/` (`flux-2-pro`), as the registry names endpoints.
    public let id: String
    public let path: String
    public let operationID: String
    public let summary: String
    /// The request body's schema name (`Flux2Inputs`) and its object.
    public let schemaName: String
    public let schema: JSONValue
}

/// The parts of an OpenAPI 3.x document the registry reads.
public struct OpenAPIDocument: Sendable {
    public let operations: [DocumentedOperation]
    public let schemas: [String: JSONValue]

    public static func parse(_ data: Data) throws(OpenAPIError) -> OpenAPIDocument {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            if case JSONValueError.malformed(let why) = error { throw .malformed("invalid JSON (\(why))") }
            throw .malformed("invalid JSON")
        }
        guard json["openapi"]?.stringValue != nil else { throw .malformed("no \"openapi\" version field") }
        guard let paths = json["paths"]?.objectValue else { throw .malformed("no \"paths\" object") }
        let schemas = json["components"]?["schemas"]?.objectValue ?? [:]
        var operations: [DocumentedOperation] = []
        for (path, item) in paths {
            guard let post = item["post"], let ref = Self.bodySchemaReference(post),
                  Self.answersWithTask(post), let schema = schemas[Self.schemaName(ref)] else { continue }
            let id = path.hasPrefix("/v1/") ? String(path.dropFirst(4)) : String(path.drop { $0 == "/" })
            operations.append(DocumentedOperation(
                id: id, path: path, operationID: post["operationId"]?.stringValue ?? id,
                summary: post["summary"]?.stringValue ?? "", schemaName: Self.schemaName(ref), schema: schema))
        }
        guard !operations.isEmpty else { throw .malformed("it describes no task endpoints (POST answering AsyncResponse)") }
        return OpenAPIDocument(operations: operations.sorted { $0.path < $1.path }, schemas: schemas)
    }

    public func operation(path: String) -> DocumentedOperation? { operations.first { $0.path == path } }

    /// Follows a `$ref` to `#/components/schemas/...`; other schemas come back as they are.
    public func resolve(_ schema: JSONValue) -> JSONValue {
        guard let ref = schema["$ref"]?.stringValue, let target = schemas[Self.schemaName(ref)] else { return schema }
        return target
    }

    static func schemaName(_ ref: String) -> String {
        String(ref.split(separator: "/").last ?? Substring(ref))
    }

    private static func bodySchemaReference(_ operation: JSONValue) -> String? {
        operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.stringValue
    }

    /// True when the 200 answer is (or may be) an AsyncResponse.
    private static func answersWithTask(_ operation: JSONValue) -> Bool {
        guard let schema = operation["responses"]?["200"]?["content"]?["application/json"]?["schema"] else { return false }
        let variants = schema["anyOf"]?.arrayValue ?? [schema]
        return variants.contains { $0["$ref"]?.stringValue.map(schemaName) == "AsyncResponse" }
    }
}
