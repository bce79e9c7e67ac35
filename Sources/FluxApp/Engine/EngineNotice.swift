/// What the engine tells the user about work in the background: a problem (the task database could
/// not be written; the app shows it as an error in the status bar) or a submit being retried (a
/// passing note).
public struct EngineNotice: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case problem
        case retrying
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
