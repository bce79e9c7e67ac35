import Foundation

/// Runs a built executable of this package and collects its output, with a deadline.
public enum ProcessRunner {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public let timedOut: Bool
    }

    /// The folder holding the package's built products (next to the test bundle).
    public static var productsDirectory: URL {
        let candidates = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments.first ?? ".")]
        for candidate in candidates {
            var dir = candidate
            for _ in 0..<4 {
                if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("flux-tui").path) { return dir }
                dir = dir.deletingLastPathComponent()
            }
        }
        return URL(fileURLWithPath: ".build/debug")
    }

    public static func executable(_ name: String) -> URL { productsDirectory.appendingPathComponent(name) }

    /// A clean environment: no API keys, XDG folders under `home`.
    public static func environment(home: URL, extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["BFL_API_KEY", "TESTDK_API_KEY_HEADER", "FLUX_SERVER_URL", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "NO_COLOR"] {
            env.removeValue(forKey: key)
        }
        env["HOME"] = home.path
        env["XDG_DATA_HOME"] = home.appendingPathComponent("data").path
        env["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
        env["LANG"] = "C.UTF-8"
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs the executable and waits for it without blocking Swift's shared thread pool: the pipes
    /// are read on dedicated threads and the exit arrives through `terminationHandler`. With
    /// `interruptOn`, the process gets one SIGINT (Ctrl-C), or `signal`, as soon as its stderr contains that text.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String],
                           timeout: Double = 60, stdin: Data? = nil, interruptOn marker: String? = nil,
                           signal: Int32 = SIGINT) async throws -> Output {
        let process = Process()
        process.executableURL = executable(name)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let collector = Collector()
        let readers = [(out, true), (err, false)].map { pipe, isOut in
            let thread = Thread {
                let handle = pipe.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    collector.append(chunk, isOut: isOut)
                    if !isOut, let marker, collector.firstSighting(of: marker) { kill(collector.pid, signal) }
                }
                collector.readerDone()
            }
            return thread
        }
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            exited.continuation.yield()
            exited.continuation.finish()
        }
        try process.run()
        collector.pid = process.processIdentifier
        readers.forEach { $0.start() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let killer = Task {
            try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            collector.markTimedOut()
            process.terminate()
        }
        for await _ in exited.stream { break }
        killer.cancel()
        await collector.waitForReaders(2)
        return Output(status: process.terminationStatus, stdout: collector.out, stderr: collector.err, timedOut: collector.timedOut)
    }

    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var outData = Data(), errData = Data()
        private var finishedReaders = 0
        private var didTimeOut = false
        private var sighted = false
        private var processID: Int32 = 0
        var pid: Int32 {
            get { lock.withLock { processID } }
            set { lock.withLock { processID = newValue } }
        }
        func append(_ data: Data, isOut: Bool) { lock.withLock { if isOut { outData.append(data) } else { errData.append(data) } } }
        /// True once: the first time stderr contains `marker`.
        func firstSighting(of marker: String) -> Bool {
            lock.withLock {
                guard !sighted, String(decoding: errData, as: UTF8.self).contains(marker) else { return false }
                sighted = true
                return true
            }
        }
        func readerDone() { lock.withLock { finishedReaders += 1 } }
        func markTimedOut() { lock.withLock { didTimeOut = true } }
        var timedOut: Bool { lock.withLock { didTimeOut } }
        var out: String { lock.withLock { String(decoding: outData, as: UTF8.self) } }
        var err: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }

        /// The pipes close when the process (and any child holding them) exits.
        func waitForReaders(_ count: Int) async {
            while lock.withLock({ finishedReaders < count }) {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }
}
