import Foundation

/// A JSON document as a value. Request bodies are built from it so that integers stay integers,
/// booleans stay booleans and an explicit `null` is only sent when it was asked for.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    public var isNull: Bool { self == .null }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }

    /// Short type name for messages ("expected an integer, got a string").
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let b = try? container.decode(Bool.self) { self = .bool(b); return }
        if let i = try? container.decode(Int.self) { self = .int(i); return }
        if let d = try? container.decode(Double.self) { self = .double(d); return }
        if let s = try? container.decode(String.self) { self = .string(s); return }
        if let a = try? container.decode([JSONValue].self) { self = .array(a); return }
        if let o = try? container.decode([String: JSONValue].self) { self = .object(o); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "Unsupported JSON value")
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}

extension JSONValue {
    /// Parses a JSON document. Throws `JSONValueError.malformed` with a readable reason.
    public static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw throws(JSONValueError) in try JSONParser.parse(raw) }
    }

    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { utf8 throws(JSONValueError) in try JSONParser.parse(UnsafeRawBufferPointer(utf8)) }
    }

    /// Compact serialisation with sorted keys, so the same value always gives the same bytes.
    public func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    public func serializedData() -> Data { Data(serialized().utf8) }

    /// Indented serialisation for people (sorted keys).
    public func pretty(indent: Int = 0) -> String {
        var out = ""
        writePretty(into: &out, indent: indent)
        return out
    }

    /// Appends to one string: building a string per member and joining them was most of the
    /// cost of a result's sidecar.
    private func writePretty(into out: inout String, indent: Int) {
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (index, item) in items.enumerated() {
                if index > 0 { out += ",\n" }
                Self.writePad(indent + 1, into: &out)
                item.writePretty(into: &out, indent: indent + 1)
            }
            out += "\n"
            Self.writePad(indent, into: &out)
            out += "]"
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += ",\n" }
                Self.writePad(indent + 1, into: &out)
                Self.writeString(key, into: &out)
                out += ": "
                members[key]!.writePretty(into: &out, indent: indent + 1)
            }
            out += "\n"
            Self.writePad(indent, into: &out)
            out += "}"
        default:
            write(into: &out)
        }
    }

    private static func writePad(_ level: Int, into out: inout String) {
        for _ in 0..<max(0, level) { out += "  " }
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += Self.format(d)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, into: &out)
                out += ":"
                members[key]!.write(into: &out)
            }
            out += "}"
        }
    }

    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d && abs(d) < 1e15 { return String(Int(d)) + ".0" }
        return "\(d)"
    }

    /// A JSON string literal.
    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        // Most strings need no escape at all: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                out += "\\u" + String(format: "%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

public enum JSONValueError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let reason): return "malformed JSON: \(reason)"
        }
    }
}
