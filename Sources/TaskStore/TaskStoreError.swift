import GRDB

/// A store operation that failed, in words fit for a status line ("disk full", not the SQL).
public struct TaskStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) { self.reason = reason }

    init(_ error: any Error) {
        if let error = error as? TaskStoreError { self = error; return }
        if let error = error as? DatabaseError {
            reason = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        } else {
            reason = "\(error)"
        }
    }

    public var description: String { reason }
}
