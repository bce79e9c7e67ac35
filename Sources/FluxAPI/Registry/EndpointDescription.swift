/// Machine-readable descriptions of endpoints and fields (`describe --json`, `endpoints --json`).
extension FieldSpec {
    public var descriptionJSON: JSONValue {
        var o: [String: JSONValue] = [
            "name": .string(name),
            "kind": .string(kind.name),
            "required": .bool(required),
            "nullable": .bool(nullable),
            "help": .string(help),
            "advanced": .bool(advanced),
        ]
        if let defaultValue { o["default"] = defaultValue }
        if let minimum { o["minimum"] = .double(minimum) }
        if let maximum { o["maximum"] = .double(maximum) }
        if let multipleOf { o["multiple_of"] = .int(multipleOf) }
        if let minLength { o["min_length"] = .int(minLength) }
        if let maxLength { o["max_length"] = .int(maxLength) }
        if case .choice(let values, let integers) = kind {
            o["choices"] = .array(values.map { integers ? (Int($0).map(JSONValue.int) ?? .string($0)) : .string($0) })
        }
        return .object(o)
    }
}

extension Endpoint {
    public var summaryJSON: JSONValue {
        .object([
            "name": .string(id),
            "path": .string(path),
            "operation": .string(operation),
            "title": .string(title),
            "summary": .string(summary),
            "family": .string(family.rawValue),
            "retired_on_public_api": .bool(retiredOnPublicAPI),
        ])
    }

    public var descriptionJSON: JSONValue {
        guard case .object(var o) = summaryJSON else { return summaryJSON }
        o["fields"] = .array(fields.map(\.descriptionJSON))
        return .object(o)
    }
}
