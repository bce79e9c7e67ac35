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

/// Ctrl-C as events rather than the process's end, for a batch that must say what it left unsent
/// and keep following what it sent. `stop()` gives SIGINT its default back.
final class InterruptWatcher: @unchecked Sendable {
    // Touched only in init and stop(), by the one task that owns the watcher.
    private let source: any DispatchSourceSignal

    init(_ handler: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
