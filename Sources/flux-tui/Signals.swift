import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM without killing the process, so servers can shut down cleanly.
enum SignalWaiter {
    static func waitForInterrupt() async {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        for await _ in stream { break }
        for source in sources { source.cancel() }
    }
}

/// Ctrl-C, SIGTERM and SIGHUP as events rather than the process's end, for a batch that must say
/// what it left unsent and keep following what it sent. `stop()` gives the signals their default back.
final class InterruptWatcher: @unchecked Sendable {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    // Touched only in init and stop(), by the one task that owns the watcher.
    private let sources: [any DispatchSourceSignal]

    /// `handler` gets the signal's number.
    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
