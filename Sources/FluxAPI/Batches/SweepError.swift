/// Why a sweep cannot be planned, said about the field and the text that caused it. Nothing is
/// sent when any sweep is refused.
public struct SweepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The swept field, when the problem is about one.
    public let field: String?
    public let reason: String

    public init(_ field: String?, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.map { "--sweep \($0): \(reason)" } ?? reason }
}
