import Foundation

/// Turns what people type (command line `--set`, form fields) and what servers send (JSON bodies)
/// into typed `FieldValue`s, with a specific message for anything that does not fit the field.
public enum ValueParser {
    /// Parses one field's text. `"null"` means an explicit null where the field allows it.
    public static func parse(_ raw: String, for field: FieldSpec) -> Result<FieldValue, ValidationIssue> {
        let text = field.kind == .text || field.kind == .secret ? raw : raw.trimmingCharacters(in: .whitespaces)
        if raw.trimmingCharacters(in: .whitespaces) == "null" {
            if field.nullable { return .success(.null) }
            // A non-nullable text field may legitimately contain the word "null".
            if field.kind != .text && field.kind != .secret {
                return .failure(.error(field.name, "cannot be null; leave it unset to use the default"))
            }
        }
        switch field.kind {
        case .text, .secret:
            return .success(.text(raw))
        case .url:
            return .success(.text(text))
        case .aspectRatio:
            return .success(.text(text))
        case .integer:
            if let value = Int(text) { return .success(.integer(value)) }
            if let d = Double(text), d.isFinite, d.rounded() == d, abs(d) < 9e15 { return .success(.integer(Int(d))) }
            if text.isEmpty { return .failure(.error(field.name, "needs a whole number")) }
            return .failure(.error(field.name, "expects a whole number, got '\(clip(text))'"))
        case .number:
            if let d = Double(text), d.isFinite { return .success(.number(d)) }
            if text.isEmpty { return .failure(.error(field.name, "needs a number")) }
            return .failure(.error(field.name, "expects a number, got '\(clip(text))'"))
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .success(.boolean(true))
            case "false", "no", "off", "0": return .success(.boolean(false))
            default: return .failure(.error(field.name, "expects true or false, got '\(clip(text))'"))
            }
        case .choice(let values, let integerValues):
            guard let match = values.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) else {
                return .failure(.error(field.name, "must be one of \(values.joined(separator: ", ")); got '\(clip(text))'"))
            }
            if integerValues, let i = Int(match) { return .success(.integer(i)) }
            return .success(.text(match))
        case .image:
            if text.isEmpty { return .failure(.error(field.name, "needs a file path or URL")) }
            let lower = text.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return .success(.url(text)) }
            if lower.hasPrefix("base64:") { return .success(.base64(String(text.dropFirst(7)))) }
            return .success(.file(expandPath(text.hasPrefix("@") ? String(text.dropFirst()) : text)))
        case .archive:
            if text.isEmpty { return .failure(.error(field.name, "needs the path of a .zip file")) }
            if text.lowercased().hasPrefix("base64:") { return .success(.base64(String(text.dropFirst(7)))) }
            return .success(.file(expandPath(text.hasPrefix("@") ? String(text.dropFirst()) : text)))
        }
    }

    /// Reads one field of a JSON request body (what the simulator receives). Image and archive
    /// fields arrive as base64 or URLs.
    public static func fromJSON(_ json: JSONValue, for field: FieldSpec) -> Result<FieldValue, ValidationIssue> {
        if json == .null {
            return field.nullable ? .success(.null) : .failure(.error(field.name, "must not be null", type: "null_not_allowed"))
        }
        switch field.kind {
        case .text, .secret, .url, .aspectRatio:
            guard let s = json.stringValue else { return typeError(field, "a string", json) }
            return .success(.text(s))
        case .integer:
            if case .int(let i) = json { return .success(.integer(i)) }
            if case .double(let d) = json, d.rounded() == d, abs(d) < 9e15 { return .success(.integer(Int(d))) }
            return typeError(field, "an integer", json, type: "int_parsing")
        case .number:
            guard let d = json.doubleValue else { return typeError(field, "a number", json, type: "float_parsing") }
            return .success(.number(d))
        case .boolean:
            guard let b = json.boolValue else { return typeError(field, "a boolean", json, type: "bool_parsing") }
            return .success(.boolean(b))
        case .choice(let values, let integerValues):
            if integerValues, let i = json.intValue, values.contains(String(i)) { return .success(.integer(i)) }
            if !integerValues, let s = json.stringValue, values.contains(s) { return .success(.text(s)) }
            return .failure(.error(field.name, "must be one of \(values.joined(separator: ", "))", type: "enum"))
        case .image, .archive:
            guard let s = json.stringValue else { return typeError(field, "a string", json) }
            let lower = s.prefix(8).lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return .success(.url(s)) }
            return .success(.base64(s))
        }
    }

    private static func typeError(_ field: FieldSpec, _ expected: String, _ got: JSONValue,
                                  type: String = "string_type") -> Result<FieldValue, ValidationIssue> {
        .failure(.error(field.name, "expects \(expected), got \(got.typeDescription)", type: type))
    }

    static func clip(_ text: String, _ limit: Int = 40) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// `~/x` -> `$HOME/x`; relative paths stay relative to the working directory.
    public static func expandPath(_ path: String) -> String {
        if path == "~" || path.hasPrefix("~/") {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            return home + path.dropFirst()
        }
        return path
    }
}
