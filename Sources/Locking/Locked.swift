// A value behind a lock, for the few things shared across threads without an actor: formatters,
// state NIO handlers touch synchronously, the terminal backend, the grapheme-cluster table.
//
// Why a module of its own: the client core (FluxAPI) and the UI toolkit (TerminalKit) both need
// it and neither depends on the other; the app and the command line use it too, so no type keeps
// an NSLock of its own beside an `@unchecked Sendable`. Why a class around NSLock rather than
// `Synchronization.Mutex`: the owners share it by reference with closures and other threads,
// and `Mutex` is a non-copyable value each owner would have to wrap again. Visible to the
// package's own modules only.

import Foundation

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
