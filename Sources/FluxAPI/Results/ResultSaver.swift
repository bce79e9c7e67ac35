import Foundation

/// What became of one task, as the command line reports it.
public struct TaskOutcome: Sendable, Equatable {
    public var id: String?
    public var endpoint: String
    public var status: TaskStatus?
    public var seed: Int?
    public var outputs: [String]
    public var error: String?

    public init(id: String?, endpoint: String, status: TaskStatus? = nil, seed: Int? = nil,
                outputs: [String] = [], error: String? = nil) {
        self.id = id
        self.endpoint = endpoint
        self.status = status
        self.seed = seed
        self.outputs = outputs
        self.error = error
    }

    /// `{"id", "endpoint", "status", "seed", "outputs", "error"}`: the command line's --json contract.
    public var json: JSONValue {
        .object([
            "id": id.map(JSONValue.string) ?? .null,
            "endpoint": .string(endpoint),
            "status": status.map { .string($0.text) } ?? .null,
            "seed": seed.map(JSONValue.int) ?? .null,
            "outputs": .array(outputs.map(JSONValue.string)),
            "error": error.map(JSONValue.string) ?? .null,
        ])
    }
}

/// Facts about a submitted task that the sidecar records.
public struct TaskRecord: Sendable, Equatable {
    public let id: String
    public let endpoint: Endpoint
    public let parameters: TaskParameters
    public let submittedAt: Date
    public let cost: Double?

    public init(id: String, endpoint: Endpoint, parameters: TaskParameters, submittedAt: Date, cost: Double? = nil) {
        self.id = id
        self.endpoint = endpoint
        self.parameters = parameters
        self.submittedAt = submittedAt
        self.cost = cost
    }

    /// The seed the user asked for, if any.
    public var requestedSeed: Int? {
        if case .integer(let s) = parameters["seed"] { return s }
        return nil
    }
}

/// Downloads a Ready task's image and writes its sidecar `<name>.json` next to it.
public struct ResultSaver: Sendable {
    public let downloader: ResultDownloader
    public var naming: OutputNaming

    public init(downloader: ResultDownloader, naming: OutputNaming = OutputNaming()) {
        self.downloader = downloader
        self.naming = naming
    }

    /// - Parameter refresh: asks the server again for the result; used once if the sample URL has
    ///   expired, since a fresh poll may hand out a fresh URL.
    public func save(_ result: ResultResponse, record: TaskRecord, into directory: URL,
                     refresh: @Sendable () async throws -> ResultResponse) async throws -> [URL] {
        guard let sample = result.sampleURL else { throw FluxError.download("the task is Ready but has no result.sample URL") }
        let seed = result.seed ?? record.requestedSeed
        let baseName = naming.baseName(id: record.id, endpoint: record.endpoint.id, seed: seed, date: record.submittedAt)
        let fallback = Self.extensionFor(format: record.parameters["output_format"])
        let file: URL
        do {
            file = try await downloader.download(sample, into: directory, baseName: baseName, fallbackExtension: fallback)
        } catch FluxError.resultExpired {
            let fresh = try await refresh()
            guard let freshSample = fresh.sampleURL else { throw FluxError.resultExpired("the server gave no new URL") }
            file = try await downloader.download(freshSample, into: directory, baseName: baseName, fallbackExtension: fallback)
        }
        let sidecar = file.deletingPathExtension().appendingPathExtension("json")
        try AtomicFile.write(Data((Self.sidecar(result, record: record, file: file).pretty() + "\n").utf8), to: sidecar)
        return [file]
    }

    static func extensionFor(format: FieldValue?) -> String {
        if case .text(let f) = format { return f == "jpeg" ? "jpg" : f }
        return "jpg"
    }

    /// Endpoint, parameters (files as their source paths, never base64; secrets left out), seed
    /// and timings.
    public static func sidecar(_ result: ResultResponse, record: TaskRecord, file: URL, now: Date = Date()) -> JSONValue {
        var timings: [String: JSONValue] = [
            "submitted_at": .string(ISO8601Timestamp.string(from: record.submittedAt)),
            "downloaded_at": .string(ISO8601Timestamp.string(from: now)),
            "elapsed_seconds": .double((now.timeIntervalSince(record.submittedAt) * 1000).rounded() / 1000),
        ]
        if let v = result.startTime { timings["server_start_time"] = .double(v) }
        if let v = result.endTime { timings["server_end_time"] = .double(v) }
        if let v = result.duration { timings["server_duration"] = .double(v) }
        var object: [String: JSONValue] = [
            "task_id": .string(record.id),
            "endpoint": .string(record.endpoint.id),
            "endpoint_path": .string(record.endpoint.path),
            "status": .string(result.status.text),
            "seed": (result.seed ?? record.requestedSeed).map(JSONValue.int) ?? .null,
            "parameters": record.parameters.recordJSON(for: record.endpoint),
            "timings": .object(timings),
            "output": .string(file.lastPathComponent),
            "generator": .string("flux-tui"),
        ]
        if let prompt = result.prompt { object["prompt"] = .string(prompt) }
        if let cost = record.cost { object["cost"] = .double(cost) }
        return .object(object)
    }
}
