import DeterministicRandom
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: clocks and statistics

/// CLOCK_MONOTONIC in nanoseconds: the clock the app's first-frame trace and `exec-stamped` use.
func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Nearest-rank percentile (p in 0...100) of unsorted values; nan when empty.
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count - 1, max(0, rank - 1))]
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

func fmt(_ value: Double, _ digits: Int = 1) -> String {
    value.isFinite ? String(format: "%.\(digits)f", value) : "n/a"
}

// MARK: process figures

/// Peak resident set (VmHWM) of a process in bytes, from /proc.
func peakRSS(pid: String = "self") -> Int {
    statusField("VmHWM", pid: pid)
}

func currentRSS(pid: String = "self") -> Int {
    statusField("VmRSS", pid: pid)
}

private func statusField(_ name: String, pid: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
        let digits = line.split(separator: " ").compactMap { Int($0) }
        return (digits.first ?? 0) * 1024
    }
    return 0
}

/// User + system CPU seconds of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// User + system CPU seconds of another process, from /proc/PID/stat (clock-tick resolution).
func processCPUSeconds(pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return nil }
    // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return (utime + stime) / ticks
}

func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

/// Waits until a process is gone (it is not our child, so it cannot be reaped here).
@discardableResult
func waitForExit(_ pid: Int32, timeout: Double) -> Bool {
    let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
    while monotonicNanoseconds() < deadline {
        if !isAlive(pid) { return true }
        // A zombie still answers kill(0); its /proc state says Z.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
        usleep(5_000)
    }
    return false
}

// MARK: files

func makeTemporaryDirectory(_ name: String) throws -> URL {
    let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flux-bench-\(getpid())")
    let dir = base.appendingPathComponent(name)
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

func removeTemporaryRoot() {
    let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flux-bench-\(getpid())")
    try? FileManager.default.removeItem(at: base)
}

/// Incompressible bytes (like JPEG data) without a per-byte loop.
func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SeededRandom(seed: seed)
    var out = [UInt8](repeating: 0, count: count)
    out.withUnsafeMutableBytes { raw in
        let words = raw.count / 8
        let p = raw.baseAddress!
        for i in 0..<words { p.storeBytes(of: generator.next(), toByteOffset: i * 8, as: UInt64.self) }
        for i in (words * 8)..<raw.count { p.storeBytes(of: UInt8(truncatingIfNeeded: generator.next()), toByteOffset: i, as: UInt8.self) }
    }
    return out
}

// MARK: output

/// A line on stdout, unbuffered (helpers talk to their parent through it).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Diagnostics go to stderr so stdout stays machine-readable.
func log(_ message: String) {
    FileHandle.standardError.write(Data(("flux-bench: " + message + "\n").utf8))
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Path of this executable, to start helper processes of the same binary.
func ownExecutablePath() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}
