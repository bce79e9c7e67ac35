/// What sort of value a field holds. Forms, validation, the command line and the simulator all
/// switch on this, so a new kind is handled everywhere or the compiler complains.
public enum FieldKind: Sendable, Equatable {
    case text
    case integer
    case number
    case boolean
    /// One of a fixed set of values. `integerValues` is true for choices sent as JSON integers
    /// (`lora_rank` 16|32).
    case choice([String], integerValues: Bool = false)
    /// An image: a file path (read, sniffed and base64-encoded by the core) or an http(s) URL.
    case image
    /// A ZIP archive (fine-tune training data), sent base64-encoded.
    case archive
    case url
    /// A secret (webhook secret): masked on screen, never logged or stored.
    case secret
    /// "W:H" between 21:9 and 9:21.
    case aspectRatio

    public var name: String {
        switch self {
        case .text: return "text"
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .choice: return "choice"
        case .image: return "image"
        case .archive: return "zip"
        case .url: return "url"
        case .secret: return "secret"
        case .aspectRatio: return "aspect ratio"
        }
    }

    public var choices: [String] {
        if case .choice(let values, _) = self { return values }
        return []
    }

    /// True for kinds whose values are files that the core reads and base64-encodes.
    public var isFile: Bool { self == .image || self == .archive }
}

/// One request field, as documented by the SDK reference and the public OpenAPI description.
public struct FieldSpec: Sendable, Equatable {
    public let name: String
    public let kind: FieldKind
    public let required: Bool
    /// The SDK's `OptionalNullable`: `null` may be sent on purpose.
    public let nullable: Bool
    /// The server's default, shown in forms; absent fields are omitted, never sent as this.
    public let defaultValue: JSONValue?
    public let minimum: Double?
    public let maximum: Double?
    public let multipleOf: Int?
    public let minLength: Int?
    public let maxLength: Int?
    public let help: String
    /// Fields most people never touch are shown after the others.
    public let advanced: Bool

    public init(
        _ name: String, _ kind: FieldKind, required: Bool = false, nullable: Bool = false,
        default defaultValue: JSONValue? = nil, min: Double? = nil, max: Double? = nil,
        multipleOf: Int? = nil, minLength: Int? = nil, maxLength: Int? = nil,
        advanced: Bool = false, help: String
    ) {
        self.name = name
        self.kind = kind
        self.required = required
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.minimum = min
        self.maximum = max
        self.multipleOf = multipleOf
        self.minLength = minLength
        self.maxLength = maxLength
        self.advanced = advanced
        self.help = help
    }

    /// "256..1440, multiple of 32" and the like, for forms and `describe`.
    public var constraintSummary: String? {
        var parts: [String] = []
        if let min = minimum, let max = maximum {
            parts.append("\(Self.format(min))..\(Self.format(max))")
        } else if let min = minimum {
            parts.append(">= \(Self.format(min))")
        } else if let max = maximum {
            parts.append("<= \(Self.format(max))")
        }
        if let multiple = multipleOf { parts.append("multiple of \(multiple)") }
        if case .choice(let values, _) = kind { parts.append(values.joined(separator: "|")) }
        if kind == .aspectRatio { parts.append("W:H between 21:9 and 9:21") }
        if let maxLength { parts.append("\(minLength ?? 0)..\(maxLength) characters") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// A number as people write it: 2 rather than 2.0, 1e-05 for tiny values.
    public static func formatted(_ value: Double) -> String { format(value) }

    static func format(_ value: Double) -> String {
        if value.rounded() == value && abs(value) < 1e12 { return String(Int(value)) }
        if abs(value) < 1e-3 { return String(format: "%g", value) }
        return String(value)
    }
}

import Foundation
