import Foundation

/// How the simulator behaves. Every setting has a default that suits interactive use; tests
/// shorten the times (`taskSeconds`, `finetuneSeconds`) and the sample lifetime.
public struct SimulatorConfiguration: Sendable, Equatable {
    /// Address to listen on. Loopback by default: the simulator accepts any key.
    public var host: String
    /// 0 picks a free port; `SimulatorServer.port` tells which.
    public var port: Int
    /// Tasks take `endpoint.typicalSeconds * timeScale` unless `taskSeconds` is set.
    public var timeScale: Double
    /// Fixed duration of every image task (tests), overriding `timeScale`.
    public var taskSeconds: Double?
    /// Fixed duration of every fine-tune training. Without it a training takes
    /// `finetune.typicalSeconds * timeScale * iterations / 300`.
    public var finetuneSeconds: Double?
    /// Most image tasks one key may have running at once; more answer 429.
    public var activeTaskLimit: Int
    /// Starting balance of every key, in credits (1 credit = 1 US cent at BFL).
    public var credits: Double
    /// How long a `result.sample` URL stays valid, in seconds (the API's signed URLs: ~10 min).
    public var sampleLifetime: Double
    /// How long a finished task can still be read with get_result; then "Task not found".
    public var taskRetention: Double
    /// Size of ultra images in megapixels (1 MP = 1024x1024). The real endpoint makes ~4 MP;
    /// 1 keeps the simulator fast.
    public var ultraMegapixels: Double
    /// Largest request body accepted; larger ones answer 413.
    public var maxBodyBytes: Int
    /// Threads that render and encode images (never the event loop).
    public var renderThreads: Int
    public var faults: FaultConfiguration

    public init(
        host: String = "127.0.0.1", port: Int = 0, timeScale: Double = 0.5, taskSeconds: Double? = nil,
        finetuneSeconds: Double? = nil, activeTaskLimit: Int = 24, credits: Double = 1_000_000,
        sampleLifetime: Double = 600, taskRetention: Double = 3600, ultraMegapixels: Double = 1,
        maxBodyBytes: Int = 256 * 1024 * 1024, renderThreads: Int = 2, faults: FaultConfiguration = .none
    ) {
        self.host = host
        self.port = port
        self.timeScale = timeScale
        self.taskSeconds = taskSeconds
        self.finetuneSeconds = finetuneSeconds
        self.activeTaskLimit = activeTaskLimit
        self.credits = credits
        self.sampleLifetime = sampleLifetime
        self.taskRetention = taskRetention
        self.ultraMegapixels = ultraMegapixels
        self.maxBodyBytes = maxBodyBytes
        self.renderThreads = renderThreads
        self.faults = faults
    }

    /// The environment variables `fromEnvironment` reads, with what each means (for `--help`).
    public static let environmentVariables: [(name: String, meaning: String)] = [
        ("FLUX_SIM_PORT", "port to listen on (0 = any free port)"),
        ("FLUX_SIM_TIME_SCALE", "task time = typical seconds x this (default 0.5)"),
        ("FLUX_SIM_TASK_SECONDS", "fixed duration of every image task, e.g. 2s or 200ms"),
        ("FLUX_SIM_FINETUNE_SECONDS", "fixed duration of every fine-tune training"),
        ("FLUX_SIM_CREDITS", "starting credits of every key (default 1000000)"),
        ("FLUX_SIM_ACTIVE_LIMIT", "most running tasks per key before 429 (default 24)"),
        ("FLUX_SIM_SAMPLE_TTL", "lifetime of result sample URLs (default 600s)"),
        ("FLUX_SIM_TASK_RETENTION", "how long finished tasks stay readable (default 3600s)"),
        ("FLUX_SIM_ULTRA_MP", "megapixels of ultra images (default 1)"),
        ("FLUX_SIM_MAX_BODY_MB", "largest request body in MiB (default 256)"),
        ("FLUX_SIM_RENDER_THREADS", "threads that render images (default 2)"),
        ("FLUX_SIM_FAULTS", "fault injection, e.g. latency=200ms,error5xx=0.2,drop=0.1,truncate=0.1,seed=42"),
    ]

    /// Reads the `FLUX_SIM_*` variables over `base`, skipping malformed ones (see
    /// `environmentProblems` to report them, or `parseEnvironment` to refuse them).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        base: SimulatorConfiguration = SimulatorConfiguration()
    ) -> SimulatorConfiguration {
        var config = base
        for (name, value) in environment where name.hasPrefix("FLUX_SIM_") {
            if let parsed = try? parseEnvironment([name: value], base: config) { config = parsed }
        }
        return config
    }

    /// The malformed `FLUX_SIM_*` variables, one error each (empty when all are fine).
    public static func environmentProblems(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [SimulatorConfigurationError] {
        environment.keys.sorted().filter { $0.hasPrefix("FLUX_SIM_") }.compactMap { name -> SimulatorConfigurationError? in
            do throws(SimulatorConfigurationError) {
                _ = try parseEnvironment([name: environment[name]!])
                return nil
            } catch { return error }
        }
    }

    /// Reads the `FLUX_SIM_*` variables over `base`. Unset or empty variables keep `base`'s value;
    /// a malformed one throws, naming the variable (for a command line that should refuse it).
    public static func parseEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        base: SimulatorConfiguration = SimulatorConfiguration()
    ) throws(SimulatorConfigurationError) -> SimulatorConfiguration {
        var config = base
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func seconds(_ name: String) throws(SimulatorConfigurationError) -> Double? {
            guard let raw = value(name) else { return nil }
            guard let s = DurationText.seconds(raw), s >= 0 else {
                throw .invalid(name: name, value: raw, expected: "a duration such as 2s, 200ms or 1.5")
            }
            return s
        }
        func number(_ name: String, min: Double = 0) throws(SimulatorConfigurationError) -> Double? {
            guard let raw = value(name) else { return nil }
            guard let d = Double(raw), d.isFinite, d >= min else {
                throw .invalid(name: name, value: raw, expected: "a number >= \(numberText(min))")
            }
            return d
        }
        func integer(_ name: String, min: Int) throws(SimulatorConfigurationError) -> Int? {
            guard let raw = value(name) else { return nil }
            guard let i = Int(raw), i >= min else { throw .invalid(name: name, value: raw, expected: "a whole number >= \(min)") }
            return i
        }
        if let port = try integer("FLUX_SIM_PORT", min: 0) {
            guard port <= 65535 else { throw .invalid(name: "FLUX_SIM_PORT", value: String(port), expected: "0..65535") }
            config.port = port
        }
        if let v = try number("FLUX_SIM_TIME_SCALE") { config.timeScale = v }
        if let v = try seconds("FLUX_SIM_TASK_SECONDS") { config.taskSeconds = v }
        if let v = try seconds("FLUX_SIM_FINETUNE_SECONDS") { config.finetuneSeconds = v }
        if let v = try number("FLUX_SIM_CREDITS") { config.credits = v }
        if let v = try integer("FLUX_SIM_ACTIVE_LIMIT", min: 1) { config.activeTaskLimit = v }
        if let v = try seconds("FLUX_SIM_SAMPLE_TTL") { config.sampleLifetime = v }
        if let v = try seconds("FLUX_SIM_TASK_RETENTION") { config.taskRetention = v }
        if let v = try number("FLUX_SIM_ULTRA_MP", min: 0.01) { config.ultraMegapixels = v }
        if let v = try number("FLUX_SIM_MAX_BODY_MB", min: 0.001) { config.maxBodyBytes = Int(v * 1024 * 1024) }
        if let v = try integer("FLUX_SIM_RENDER_THREADS", min: 1) { config.renderThreads = v }
        if let raw = value("FLUX_SIM_FAULTS") {
            do { config.faults = try FaultConfiguration.parse(raw) } catch {
                throw .invalid(name: "FLUX_SIM_FAULTS", value: raw, expected: error.description)
            }
        }
        return config
    }

    /// One line for logs and the `simulator` command's banner.
    public var summary: String {
        let timing = taskSeconds.map { "tasks \(DurationText.format($0))" } ?? "tasks typical x \(numberText(timeScale))"
        var parts = [timing, "active limit \(activeTaskLimit)", "credits \(numberText(credits))",
                     "sample URLs valid \(DurationText.format(sampleLifetime))"]
        if let f = finetuneSeconds { parts.append("fine-tunes \(DurationText.format(f))") }
        if faults != .none { parts.append("faults: \(faults.summary)") }
        return parts.joined(separator: ", ")
    }
}

public enum SimulatorConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .invalid(let name, let value, let expected): return "\(name)=\(value) is not valid: expected \(expected)"
        }
    }
}

/// Faults the simulator injects, for reliability tests and benchmarks. Shares are 0...1.
/// - `latency`: added before every answer.
/// - `serverErrorRate`: answer 500, 502 or 503 (503 with `Retry-After`) instead of handling the
///   request; nothing happens on the server, so a retried 503 submit never creates a duplicate.
/// - `dropRate`: handle the request, then close the connection without answering (the work is
///   done and the answer is lost: the case where a client cannot know if its submit was taken).
/// - `truncateRate`: for sample downloads, send the full `Content-Length` but close early.
/// With a `seed` the sequence of faults is the same on every run (for requests arriving in the
/// same order).
public struct FaultConfiguration: Sendable, Equatable {
    public var latency: Double
    public var serverErrorRate: Double
    public var dropRate: Double
    public var truncateRate: Double
    public var seed: UInt64?
    /// `Retry-After` of injected 503s, in whole seconds.
    public var retryAfter: Int

    public init(latency: Double = 0, serverErrorRate: Double = 0, dropRate: Double = 0, truncateRate: Double = 0,
                seed: UInt64? = nil, retryAfter: Int = 1) {
        self.latency = latency
        self.serverErrorRate = serverErrorRate
        self.dropRate = dropRate
        self.truncateRate = truncateRate
        self.seed = seed
        self.retryAfter = retryAfter
    }

    public static let none = FaultConfiguration()

    /// Parses `latency=200ms,error5xx=0.2,drop=0.1,truncate=0.1,seed=42[,retry_after=1]`.
    /// Shares may also be written as percentages (`20%`).
    public static func parse(_ text: String) throws(FaultParseError) -> FaultConfiguration {
        var faults = FaultConfiguration()
        for item in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty else { throw .malformed(String(item)) }
            let (key, raw) = (pair[0].lowercased(), pair[1])
            func share() throws(FaultParseError) -> Double {
                let percent = raw.hasSuffix("%")
                guard let v = Double(percent ? String(raw.dropLast()) : raw), v.isFinite else { throw .badValue(key, raw) }
                let share = percent ? v / 100 : v
                guard (0...1).contains(share) else { throw .badValue(key, raw) }
                return share
            }
            switch key {
            case "latency", "delay":
                guard let s = DurationText.seconds(raw), s >= 0 else { throw .badValue(key, raw) }
                faults.latency = s
            case "error5xx", "5xx", "errors", "error": faults.serverErrorRate = try share()
            case "drop", "drops": faults.dropRate = try share()
            case "truncate", "truncation": faults.truncateRate = try share()
            case "seed":
                guard let seed = UInt64(raw) else { throw .badValue(key, raw) }
                faults.seed = seed
            case "retry_after", "retry-after":
                guard let s = Int(raw), s >= 0 else { throw .badValue(key, raw) }
                faults.retryAfter = s
            default:
                throw .unknownKey(key)
            }
        }
        return faults
    }

    public var summary: String {
        var parts: [String] = []
        if latency > 0 { parts.append("latency=\(DurationText.format(latency))") }
        if serverErrorRate > 0 { parts.append("error5xx=\(numberText(serverErrorRate))") }
        if dropRate > 0 { parts.append("drop=\(numberText(dropRate))") }
        if truncateRate > 0 { parts.append("truncate=\(numberText(truncateRate))") }
        if let seed { parts.append("seed=\(seed)") }
        if serverErrorRate > 0 && retryAfter != 1 { parts.append("retry_after=\(retryAfter)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }
}

public enum FaultParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case unknownKey(String)
    case badValue(String, String)

    public var description: String {
        switch self {
        case .malformed(let item): return "'\(item)' is not key=value"
        case .unknownKey(let key):
            return "unknown fault '\(key)' (known: latency, error5xx, drop, truncate, seed, retry_after)"
        case .badValue(let key, let value):
            return key == "latency" || key == "delay"
                ? "latency=\(value): expected a duration such as 200ms or 0.2s"
                : "\(key)=\(value): expected \(key == "seed" || key.hasPrefix("retry") ? "a whole number" : "a share 0..1 or a percentage")"
        }
    }
}

/// "200ms", "2s", "1.5", "5m" -> seconds.
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let (number, factor): (Substring, Double)
        if t.hasSuffix("ms") { (number, factor) = (t.dropLast(2), 0.001) }
        else if t.hasSuffix("s") { (number, factor) = (t.dropLast(), 1) }
        else if t.hasSuffix("m") { (number, factor) = (t.dropLast(), 60) }
        else { (number, factor) = (Substring(t), 1) }
        guard let v = Double(number.trimmingCharacters(in: .whitespaces)), v.isFinite else { return nil }
        return v * factor
    }

    static func format(_ seconds: Double) -> String {
        if seconds > 0 && seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        return "\(numberText(seconds))s"
    }
}

/// 2 -> "2", 0.25 -> "0.25" (no trailing ".0" for whole numbers).
func numberText(_ value: Double) -> String {
    if value.rounded() == value && abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
}
