import Foundation

/// A JSON value as the schema checker reads it; independent of the code under test on purpose.
public indirect enum CheckedJSON: Decodable, Equatable, Sendable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([CheckedJSON]), object([String: CheckedJSON])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([CheckedJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: CheckedJSON].self)) }
    }

    public subscript(key: String) -> CheckedJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    var string: String? { if case .string(let s) = self { return s }; return nil }
}

/// Checks a request body against an OpenAPI document's schema, for the subset such documents
/// use: `type`, `required`, `properties`, `additionalProperties` (absent counts as false: the
/// API refuses unknown fields), `enum`, `minimum`/`maximum`, `multipleOf`, `minLength`/
/// `maxLength`, `anyOf` (with null), `$ref` to `#/components/schemas`, and `default` (a default
/// must itself satisfy its schema, or the document contradicts itself).
public struct JSONSchemaChecker: Sendable {
    public let document: CheckedJSON

    public init(document data: Data) throws {
        document = try JSONDecoder().decode(CheckedJSON.self, from: data)
    }

    /// The named schema of `components/schemas`.
    public func schema(named name: String) -> CheckedJSON? { document["components"]?["schemas"]?[name] }

    /// The request body schema of `POST path`.
    public func bodySchema(path: String) -> CheckedJSON? {
        document["paths"]?[path]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"].map(resolve)
    }

    /// Every problem of `body` against `schema`, as "location: problem" lines; empty when valid.
    public func problems(_ body: Data, against schema: CheckedJSON) -> [String] {
        guard let value = try? JSONDecoder().decode(CheckedJSON.self, from: body) else { return ["body: not JSON"] }
        return problems(value, schema, at: "body")
    }

    public func problems(_ value: CheckedJSON, _ schema: CheckedJSON, at location: String) -> [String] {
        let schema = resolve(schema)
        if case .array(let options)? = schema["anyOf"] {
            let fits = options.map { problems(value, $0, at: location) }
            return fits.contains { $0.isEmpty } ? [] : ["\(location): matches none of anyOf (\(fits.flatMap { $0 }.joined(separator: "; ")))"]
        }
        var found: [String] = []
        if let type = schema["type"]?.string, !Self.value(value, hasType: type) {
            return ["\(location): expected \(type), got \(value)"]
        }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) {
            found.append("\(location): \(value) is not one of \(allowed)")
        }
        if let n = value.number {
            if let min = schema["minimum"]?.number, n < min { found.append("\(location): \(n) < minimum \(min)") }
            if let max = schema["maximum"]?.number, n > max { found.append("\(location): \(n) > maximum \(max)") }
            if let step = schema["multipleOf"]?.number, n.truncatingRemainder(dividingBy: step) != 0 {
                found.append("\(location): \(n) is not a multiple of \(step)")
            }
        }
        if let s = value.string {
            if let min = schema["minLength"]?.number, Double(s.count) < min { found.append("\(location): shorter than \(min)") }
            if let max = schema["maxLength"]?.number, Double(s.count) > max { found.append("\(location): longer than \(max)") }
        }
        if case .object(let members) = value {
            let properties: [String: CheckedJSON]
            if case .object(let p)? = schema["properties"] { properties = p } else { properties = [:] }
            if case .array(let required)? = schema["required"] {
                for case .string(let name) in required where members[name] == nil { found.append("\(location).\(name): required") }
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    found += problems(member, property, at: "\(location).\(name)")
                } else if schema["additionalProperties"] != .bool(true) {
                    found.append("\(location).\(name): not a property of the schema")
                }
            }
        }
        return found
    }

    /// Problems with the schema's own defaults (each must fit its property's schema).
    public func defaultProblems(_ schema: CheckedJSON, at location: String) -> [String] {
        guard case .object(let properties)? = resolve(schema)["properties"] else { return [] }
        return properties.sorted { $0.key < $1.key }.flatMap { name, property -> [String] in
            guard let value = property["default"] else { return [] }
            var bare = property
            if case .object(var o) = bare { o["default"] = nil; bare = .object(o) }
            return problems(value, bare, at: "\(location).\(name) default")
        }
    }

    func resolve(_ schema: CheckedJSON) -> CheckedJSON {
        guard let ref = schema["$ref"]?.string, let name = ref.split(separator: "/").last,
              let target = self.schema(named: String(name)) else { return schema }
        return target
    }

    static func value(_ value: CheckedJSON, hasType type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
             ("string", .string), ("array", .array), ("object", .object):
            return true
        case ("integer", .double(let d)):
            return d.rounded() == d
        default:
            return false
        }
    }
}
