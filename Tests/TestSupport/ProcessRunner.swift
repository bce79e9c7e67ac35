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

    public static func run(_ name: String, _ arguments: [String], environment: [String: String],
                           timeout: Double = 60, stdin: Data? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable(name)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        let collector = Collector()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collector.set(data, isOut: isOut)
                group.leave()
            }
        }
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline { timedOut = true; process.terminate(); break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.waitUntilExit()
        group.wait()
        return Output(status: process.terminationStatus, stdout: collector.out, stderr: collector.err, timedOut: timedOut)
    }

    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var outData = Data(), errData = Data()
        func set(_ data: Data, isOut: Bool) { lock.withLock { if isOut { outData = data } else { errData = data } } }
        var out: String { lock.withLock { String(decoding: outData, as: UTF8.self) } }
        var err: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }
    }
}
