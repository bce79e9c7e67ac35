/// One problem with a request: which field, how bad, and what to do about it. The form shows these
/// as hints, the command line prints them, the simulator answers them as FastAPI-style 422s.
public struct ValidationIssue: Sendable, Equatable, Hashable, Codable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    /// The field concerned; nil for a problem with the request as a whole.
    public let field: String?
    public let severity: Severity
    public let message: String
    /// A machine-readable kind, in the style of FastAPI's `type` ("missing", "less_than_equal", ...).
    public let type: String

    public init(field: String?, severity: Severity, message: String, type: String = "value_error") {
        self.field = field
        self.severity = severity
        self.message = message
        self.type = type
    }

    public static func error(_ field: String?, _ message: String, type: String = "value_error") -> ValidationIssue {
        ValidationIssue(field: field, severity: .error, message: message, type: type)
    }

    public static func warning(_ field: String?, _ message: String, type: String = "value_warning") -> ValidationIssue {
        ValidationIssue(field: field, severity: .warning, message: message, type: type)
    }

    public var description: String {
        let prefix = severity == .error ? "error" : "warning"
        if let field { return "\(prefix): \(field): \(message)" }
        return "\(prefix): \(message)"
    }
}

extension Array where Element == ValidationIssue {
    public var errors: [ValidationIssue] { filter { $0.severity == .error } }
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public func issues(for field: String) -> [ValidationIssue] { filter { $0.field == field } }
}
