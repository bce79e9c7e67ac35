import Foundation

/// A value behind a lock, for the few things shared across threads without an actor (formatters,
/// state NIO handlers touch synchronously). Visible to the package's own modules; TerminalKit,
/// which does not depend on this module, keeps its own.
package final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    package func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
