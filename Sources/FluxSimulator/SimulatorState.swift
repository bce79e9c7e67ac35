import FluxAPI
import Foundation
import Locking

/// Words that, anywhere in a task's `prompt` (or a fine-tune's `finetune_comment`), make the
/// simulator answer a given outcome, so tests can reach every status on purpose.
public enum SimulatorMarker {
    /// Final at once with status `Request Moderated` and
    /// `details: {"Moderation Reasons": [...]}`.
    public static let moderateRequest = "SIM_MODERATE_REQUEST"
    /// Runs its full time, then `Content Moderated` with moderation reasons.
    public static let moderateContent = "SIM_MODERATE_CONTENT"
    /// Fails half-way with status `Error` and `details: {"error": "..."}`.
    public static let fail = "SIM_FAIL"
    /// Reports the in-progress status `Generating` instead of `Pending`.
    public static let generating = "SIM_GENERATING"
}

/// How a task ends, decided at submit from the markers.
enum TaskOutcome: Sendable, Equatable {
    case ready
    case requestModerated
    case contentModerated
    case failed

    init(markerText text: String) {
        if text.contains(SimulatorMarker.moderateRequest) { self = .requestModerated }
        else if text.contains(SimulatorMarker.moderateContent) { self = .contentModerated }
        else if text.contains(SimulatorMarker.fail) { self = .failed }
        else { self = .ready }
    }
}

/// One task (image generation or fine-tune training). Its status is a pure function of the
/// clock: nothing needs to tick in the background.
struct TaskRecord: Sendable {
    let id: String
    let key: String
    let endpoint: Endpoint
    let created: Double
    let duration: Double
    let outcome: TaskOutcome
    /// "Pending", or "Generating" with the marker.
    let runningStatus: String
    let prompt: String?
    /// nil for fine-tune trainings.
    let seed: Int?
    /// Dropped once rendering starts, so big input images are not kept twice.
    var job: RenderJob?
    var sampleToken: String?
    var sampleURL: String?
    /// Set for trainings: the fine-tune this task creates.
    let isTraining: Bool

    var finalAt: Double {
        switch outcome {
        case .requestModerated: return created
        case .failed: return created + duration / 2
        case .ready, .contentModerated: return created + duration
        }
    }

    func isRunning(at now: Double) -> Bool { now < finalAt }
}

/// A cached rendering behind a sample URL; `render` is released when the URL expires and the
/// entry stays as a tombstone so that late downloads get 403, not 404.
struct SampleEntry: Sendable {
    let taskID: String
    let fileName: String
    let expires: Double
    var render: Task<RenderedSample, Error>?
}

struct FinetuneRecord: Sendable {
    let id: String
    let key: String
    let details: [String: JSONValue]
}

/// What the router hands the state for a submit: everything already validated.
struct Submission: Sendable {
    let endpoint: Endpoint
    /// The job to render; its seed is replaced by one derived from the id when none was given.
    let job: RenderJob?
    let prompt: String?
    let seed: Int?
    /// Credits the task costs, and the megapixels it reads and writes (as the API reports them).
    let cost: Double
    let inputMegapixels: Double?
    let outputMegapixels: Double?
    /// Recorded and echoed; the simulator never calls webhooks.
    let webhookURL: String?
    /// Text searched for markers (prompt, or the fine-tune comment).
    let markerText: String
    /// Fine-tuned endpoints: the fine-tune they use.
    let usesFinetune: String?
    /// `/v1/finetune`: the settings recorded for finetune_details.
    let finetuneDetails: [String: JSONValue]?
    let iterations: Int?
}

enum SubmitDecision: Sendable, Equatable {
    case accepted(id: String)
    case tooManyActive(limit: Int)
    case insufficientCredits(cost: Double, balance: Double)
    case finetuneMissing(String)
    case finetuneTraining(String)
    case finetuneFailed(String)
}

enum SampleLookup: Sendable {
    case notFound
    case expired
    case ready(Task<RenderedSample, Error>)
}

/// Counters for tests and benchmarks (e.g. to prove that a retried submit made one task).
public struct SimulatorStatistics: Sendable, Equatable {
    public var requests = 0
    public var tasksCreated = 0
    public var finetunesCreated = 0
    public var rejectedSubmits = 0
    public var samplesServed = 0
    public var injectedErrors = 0
    public var injectedDrops = 0
    public var injectedTruncations = 0
    /// Tasks created per endpoint id.
    public var tasksByEndpoint: [String: Int] = [:]

    public init() {}
}

/// All mutable simulator state. An actor: handlers call it from many connections at once.
actor SimulatorState {
    private let config: SimulatorConfiguration
    private let renderer: SampleRenderer
    private var tasks: [String: TaskRecord] = [:]
    /// Image tasks per key that may still be running (pruned when counted).
    private var active: [String: Set<String>] = [:]
    private var balances: [String: Double] = [:]
    private var finetunes: [String: FinetuneRecord] = [:]
    private var finetuneOrder: [String: [String]] = [:]
    private var samples: [String: SampleEntry] = [:]
    /// Shared with the router, which counts requests and faults without hopping onto the actor.
    private let statistics: Locked<SimulatorStatistics>
    private var lastSweep = 0.0

    init(config: SimulatorConfiguration, renderer: SampleRenderer, statistics: Locked<SimulatorStatistics>) {
        self.config = config
        self.renderer = renderer
        self.statistics = statistics
    }

    // MARK: tasks

    func submit(_ submission: Submission, key: String, now: Double) -> SubmitDecision {
        sweep(now: now)
        let decision = admit(submission, key: key, now: now)
        guard case .accepted = decision else {
            statistics.withLock { $0.rejectedSubmits += 1 }
            return decision
        }
        let id = UUID().uuidString.lowercased()
        let endpoint = submission.endpoint
        var job = submission.job
        let seed = endpoint.createsFinetune ? nil : (submission.seed ?? Self.seed(from: id))
        if let seed { job?.seed = seed }
        let record = TaskRecord(
            id: id, key: key, endpoint: endpoint, created: now,
            duration: duration(for: submission), outcome: TaskOutcome(markerText: submission.markerText),
            runningStatus: submission.markerText.contains(SimulatorMarker.generating) ? "Generating" : "Pending",
            prompt: submission.prompt, seed: seed, job: job, isTraining: endpoint.createsFinetune)
        tasks[id] = record
        balances[key] = balance(key) - submission.cost
        statistics.withLock {
            $0.tasksCreated += 1
            $0.tasksByEndpoint[endpoint.id, default: 0] += 1
            if endpoint.createsFinetune { $0.finetunesCreated += 1 }
        }
        if endpoint.createsFinetune {
            var details = submission.finetuneDetails ?? [:]
            details["timestamp"] = .string(Self.timestamp(now))
            finetunes[id] = FinetuneRecord(id: id, key: key, details: details)
            finetuneOrder[key, default: []].append(id)
        } else {
            active[key, default: []].insert(id)
        }
        return .accepted(id: id)
    }

    private func admit(_ submission: Submission, key: String, now: Double) -> SubmitDecision {
        if let finetuneID = submission.usesFinetune {
            guard let finetune = finetunes[finetuneID], finetune.key == key else { return .finetuneMissing(finetuneID) }
            if let training = tasks[finetuneID] {
                if training.isRunning(at: now) { return .finetuneTraining(finetuneID) }
                if training.outcome != .ready { return .finetuneFailed(finetuneID) }
            }
        }
        if !submission.endpoint.createsFinetune && activeCount(key, now: now) >= config.activeTaskLimit {
            return .tooManyActive(limit: config.activeTaskLimit)
        }
        let balance = balance(key)
        if submission.cost > balance { return .insufficientCredits(cost: submission.cost, balance: balance) }
        return .accepted(id: "")
    }

    private func duration(for submission: Submission) -> Double {
        if submission.endpoint.createsFinetune {
            if let fixed = config.finetuneSeconds { return fixed }
            let iterations = Double(submission.iterations ?? 300)
            return submission.endpoint.typicalSeconds * config.timeScale * iterations / 300
        }
        return config.taskSeconds ?? submission.endpoint.typicalSeconds * config.timeScale
    }

    private func activeCount(_ key: String, now: Double) -> Int {
        guard var ids = active[key] else { return 0 }
        ids = ids.filter { tasks[$0]?.isRunning(at: now) ?? false }
        active[key] = ids.isEmpty ? nil : ids
        return ids.count
    }

    /// The get_result answer. A Ready image task gets its sample URL (and starts rendering) the
    /// first time it is read as Ready.
    func result(id: String, now: Double, baseURL: String) -> JSONValue {
        sweep(now: now)
        guard var task = tasks[id] else {
            return .object(["id": .string(id), "status": .string("Task not found")])
        }
        var out: [String: JSONValue] = [
            "id": .string(id), "result": .null, "details": .null, "preview": .null, "progress": .null,
        ]
        if task.isRunning(at: now) {
            out["status"] = .string(task.runningStatus)
            let progress = min(0.99, max(0, (now - task.created) / max(task.duration, 0.001)))
            out["progress"] = .double((progress * 100).rounded(.down) / 100)
            return .object(out)
        }
        switch task.outcome {
        case .requestModerated, .contentModerated:
            out["status"] = .string(task.outcome == .requestModerated ? "Request Moderated" : "Content Moderated")
            let reason = task.outcome == .requestModerated
                ? "Simulated request moderation (\(SimulatorMarker.moderateRequest))"
                : "Simulated content moderation (\(SimulatorMarker.moderateContent))"
            out["details"] = .object(["Moderation Reasons": .array([.string(reason)])])
        case .failed:
            out["status"] = .string("Error")
            let what = task.isTraining ? "training" : "generation"
            out["details"] = .object(["error": .string("Simulated \(what) failure (\(SimulatorMarker.fail))")])
        case .ready:
            out["status"] = .string("Ready")
            out["progress"] = .double(1)
            if task.isTraining {
                var result: [String: JSONValue] = ["finetune_id": .string(id)]
                for name in ["finetune_comment", "trigger_word", "finetune_type", "mode"] {
                    if let value = finetunes[id]?.details[name] { result[name] = value }
                }
                out["result"] = .object(result)
            } else {
                if task.sampleURL == nil { startRendering(&task, now: now, baseURL: baseURL) }
                var result: [String: JSONValue] = [
                    "sample": task.sampleURL.map(JSONValue.string) ?? .null,
                    "prompt": task.prompt.map(JSONValue.string) ?? .null,
                    "start_time": .double(task.created), "end_time": .double(task.finalAt),
                    "duration": .double(task.duration),
                ]
                if let seed = task.seed { result["seed"] = .int(seed) }
                out["result"] = .object(result)
            }
        }
        return .object(out)
    }

    private func startRendering(_ task: inout TaskRecord, now: Double, baseURL: String) {
        guard let job = task.job else { return }
        let token = Self.token()
        let ext = ImageFormatName.fileExtension(for: job.format)
        let fileName = "\(task.id).\(ext)"
        let renderer = self.renderer
        let render = SimulatorExecutor.shared.throwingTask { try await renderer.render(job) }
        samples[token] = SampleEntry(taskID: task.id, fileName: fileName, expires: now + config.sampleLifetime,
                                     render: render)
        task.job = nil
        task.sampleToken = token
        task.sampleURL = "\(baseURL)/samples/\(token)/\(fileName)"
        tasks[task.id] = task
    }

    func sample(token: String, fileName: String, now: Double) -> SampleLookup {
        guard var entry = samples[token], entry.fileName == fileName else { return .notFound }
        if now >= entry.expires {
            if entry.render != nil {
                entry.render = nil
                samples[token] = entry
            }
            return .expired
        }
        guard let render = entry.render else { return .expired }
        return .ready(render)
    }

    // MARK: fine-tunes and account

    func finetuneIDs(key: String) -> [String] {
        (finetuneOrder[key] ?? []).filter { finetunes[$0] != nil }
    }

    func finetuneDetails(key: String, id: String) -> [String: JSONValue]? {
        guard let record = finetunes[id], record.key == key else { return nil }
        return record.details
    }

    func deleteFinetune(key: String, id: String) -> Bool {
        guard let record = finetunes[id], record.key == key else { return false }
        finetunes[id] = nil
        finetuneOrder[key]?.removeAll { $0 == id }
        return true
    }

    func balance(_ key: String) -> Double { balances[key] ?? config.credits }

    // MARK: housekeeping

    /// Frees expired samples' bytes and forgets old tasks, at most once a second.
    private func sweep(now: Double) {
        guard now - lastSweep >= 1 else { return }
        lastSweep = now
        for (token, entry) in samples where now >= entry.expires {
            if now >= entry.expires + config.taskRetention {
                samples[token] = nil
            } else if entry.render != nil {
                samples[token]?.render = nil
            }
        }
        for (id, task) in tasks where !task.isRunning(at: now) && now >= task.finalAt + config.taskRetention {
            // A training stays readable while its fine-tune exists.
            if task.isTraining && finetunes[id] != nil { continue }
            tasks[id] = nil
        }
    }

    /// A stable seed for tasks submitted without one (FNV-1a of the id, 31 bits).
    static func seed(from id: String) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Int(hash & 0x7FFF_FFFF)
    }

    static func token() -> String {
        (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()
    }

    static func timestamp(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}

enum ImageFormatName {
    /// webp is delivered as PNG (no WebP encoder), so it gets the .png extension.
    static func fileExtension(for format: String) -> String {
        switch format.lowercased() {
        case "png", "webp": return "png"
        default: return "jpg"
        }
    }
}
