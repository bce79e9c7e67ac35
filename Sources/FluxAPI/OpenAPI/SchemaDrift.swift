/// How a registry differs from an OpenAPI document: per endpoint, fields added, removed,
/// re-typed and changed constraints, and endpoints new in the document or gone from it.
/// Help texts, field order and `advanced` are presentation and not compared; nor is a minimum
/// length (the curated `finetune_id` refuses "" where the document is silent). The supplements
/// (`SchemaSupplements`) apply to both sides alike.
public struct SchemaDrift: Sendable, Equatable {
    public enum EndpointChange: Sendable, Equatable {
        /// In the document, not in the registry.
        case added(id: String)
        /// In the registry (and not retired), not in the document.
        case vanished(id: String)
        case changed(id: String, fields: [String])
        /// The document describes it in a way the registry cannot read.
        case unreadable(id: String, problem: String)
    }

    public let changes: [EndpointChange]

    public var isEmpty: Bool { changes.isEmpty }

    public static func compare(registry: [Endpoint], document: OpenAPIDocument) -> SchemaDrift {
        var changes: [EndpointChange] = []
        let documented = Set(document.operations.map(\.path))
        for operation in document.operations {
            guard let mine = registry.first(where: { $0.path == operation.path }) else {
                changes.append(.added(id: operation.id))
                continue
            }
            do throws(OpenAPIError) {
                let theirs = try OpenAPIImporter.endpoint(operation, in: document)
                let fieldChanges = compare(mine, theirs)
                if !fieldChanges.isEmpty { changes.append(.changed(id: mine.id, fields: fieldChanges)) }
            } catch {
                changes.append(.unreadable(id: mine.id, problem: error.description))
            }
        }
        // Retired endpoints are expected to be missing from the public document.
        for endpoint in registry where !endpoint.retiredOnPublicAPI && !documented.contains(endpoint.path) {
            changes.append(.vanished(id: endpoint.id))
        }
        return SchemaDrift(changes: changes)
    }

    /// One line per difference, "field: what changed (registry -> document)".
    static func compare(_ mine: Endpoint, _ theirs: Endpoint) -> [String] {
        var lines: [String] = []
        let theirNames = Set(theirs.fields.map(\.name))
        for field in theirs.fields where mine.field(field.name) == nil {
            lines.append("+ \(field.name): new field (\(describe(field)))")
        }
        for field in mine.fields where !theirNames.contains(field.name) {
            lines.append("- \(field.name): removed")
        }
        for old in mine.fields {
            guard let new = theirs.field(old.name) else { continue }
            func note(_ what: String, _ a: String, _ b: String) {
                if a != b { lines.append("~ \(old.name): \(what) \(a) -> \(b)") }
            }
            if old.kind.name != new.kind.name {
                lines.append("~ \(old.name): type \(old.kind.name) -> \(new.kind.name)")
            } else {
                note("enum", old.kind.choices.joined(separator: "|"), new.kind.choices.joined(separator: "|"))
            }
            note("required", String(old.required), String(new.required))
            note("nullable", String(old.nullable), String(new.nullable))
            note("default", text(old.defaultValue), text(new.defaultValue))
            note("minimum", text(old.minimum), text(new.minimum))
            note("maximum", text(old.maximum), text(new.maximum))
            note("multiple of", text(old.multipleOf.map(Double.init)), text(new.multipleOf.map(Double.init)))
            note("max length", text(old.maxLength.map(Double.init)), text(new.maxLength.map(Double.init)))
        }
        return lines
    }

    /// The report `flux-tui spec diff` prints; "no drift" when there is none.
    public var report: String {
        guard !changes.isEmpty else { return "no drift: the registry matches the document" }
        var lines: [String] = []
        for change in changes {
            switch change {
            case .added(let id): lines.append("+ \(id): new endpoint in the document")
            case .vanished(let id): lines.append("- \(id): no longer in the document")
            case .unreadable(let id, let problem): lines.append("! \(id): cannot read the document's schema (\(problem))")
            case .changed(let id, let fields):
                lines.append("~ \(id):")
                lines += fields.map { "    \($0)" }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// "2 endpoints added, 1 changed": for the status bar.
    public var summary: String {
        var counts: [(String, Int)] = [("added", 0), ("changed", 0), ("vanished", 0), ("unreadable", 0)]
        for change in changes {
            switch change {
            case .added: counts[0].1 += 1
            case .changed: counts[1].1 += 1
            case .vanished: counts[2].1 += 1
            case .unreadable: counts[3].1 += 1
            }
        }
        let parts = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        return parts.isEmpty ? "no drift" : "endpoints " + parts.joined(separator: ", ")
    }

    private static func describe(_ field: FieldSpec) -> String {
        var facts = [field.kind.name, field.required ? "required" : "optional"]
        if let c = field.constraintSummary { facts.append(c) }
        return facts.joined(separator: ", ")
    }

    private static func text(_ value: JSONValue?) -> String {
        guard let value else { return "none" }
        if let d = value.doubleValue { return FieldSpec.format(d) }
        return value.serialized()
    }

    private static func text(_ value: Double?) -> String { value.map(FieldSpec.format) ?? "none" }
}
