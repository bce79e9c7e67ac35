import Foundation

/// A field's value before it becomes JSON. File-backed values keep their source path so that
/// sidecars and the task database record the path, never the base64 payload. Written to disk as
/// `recordJSON` and read back with `fromRecord` (not `Codable`: its synthesized layout is not JSON
/// anyone else reads).
public enum FieldValue: Sendable, Equatable, Hashable {
    /// An explicit JSON null (only for nullable fields, and only when asked for).
    case null
    case text(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    /// A local file to read, sniff and base64-encode at submit time.
    case file(String)
    /// An http(s) URL passed through as the field's value.
    case url(String)
    /// Inline base64 (a body received by the simulator, or a payload pasted by the user).
    case base64(String)

    /// How the value is shown to people and stored: paths and URLs as they are, base64 shortened.
    public var displayText: String {
        switch self {
        case .null: return "null"
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .number(let d): return FieldSpec.format(d)
        case .boolean(let b): return b ? "true" : "false"
        case .file(let path): return path
        case .url(let url): return url
        case .base64(let data): return "<base64, \(data.utf8.count) characters>"
        }
    }

    /// The JSON the API receives for the value, except for `.file`, which needs reading first.
    public var inlineJSON: JSONValue? {
        switch self {
        case .null: return .null
        case .text(let s): return .string(s)
        case .integer(let i): return .int(i)
        case .number(let d): return .double(d)
        case .boolean(let b): return .bool(b)
        case .url(let u): return .string(u)
        case .base64(let b): return .string(b)
        case .file: return nil
        }
    }

    /// The value as it is kept in sidecars and the task database: files as their path.
    public var recordJSON: JSONValue {
        switch self {
        case .file(let path): return .string(path)
        case .base64: return .string(displayText)
        default: return inlineJSON ?? .null
        }
    }

    /// Reads a value back from its record (`recordJSON`), typed by its field: image and archive
    /// fields hold a path or an http(s) URL, number fields a number even when it is whole. A value
    /// of no known field is typed by its JSON. Nil for an array or object, which no field holds.
    public static func fromRecord(_ json: JSONValue, for field: FieldSpec?) -> FieldValue? {
        switch json {
        case .null: return .null
        case .bool(let b): return .boolean(b)
        case .string(let s):
            guard let kind = field?.kind, kind.isFile else { return .text(s) }
            let scheme = s.prefix(8).lowercased()
            return scheme.hasPrefix("http://") || scheme.hasPrefix("https://") ? .url(s) : .file(s)
        case .int(let i):
            return field?.kind == .number ? .number(Double(i)) : .integer(i)
        case .double(let d):
            switch field?.kind {
            case .integer?, .choice(_, integerValues: true)?:
                if let i = json.intValue { return .integer(i) }
                return .number(d)
            default: return .number(d)
            }
        case .array, .object: return nil
        }
    }
}

/// The values a user (form or command line) has set for one endpoint. Unset fields are absent
/// and are omitted from the request.
public struct TaskParameters: Sendable, Equatable {
    public var values: [String: FieldValue]

    public init(_ values: [String: FieldValue] = [:]) { self.values = values }

    public subscript(name: String) -> FieldValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// Parameters as recorded in sidecars and the database: file fields as paths, secrets dropped.
    public func recordJSON(for endpoint: Endpoint) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for (name, value) in values {
            if endpoint.field(name)?.kind == .secret { out[name] = .string("(set, not recorded)"); continue }
            out[name] = value.recordJSON
        }
        return .object(out)
    }
}
