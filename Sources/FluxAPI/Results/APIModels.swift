import Foundation

/// What a submit answers: an id and (usually) the URL to poll for the result.
public struct SubmitResponse: Sendable, Equatable, Codable {
    public let id: String
    /// Absent when the server answers a webhook submit with `{"id", "status", "webhook_url"}`.
    public let pollingURL: String?
    public let status: String?
    public let cost: Double?
    public let inputMegapixels: Double?
    public let outputMegapixels: Double?

    public init(id: String, pollingURL: String?, status: String? = nil, cost: Double? = nil,
                inputMegapixels: Double? = nil, outputMegapixels: Double? = nil) {
        self.id = id
        self.pollingURL = pollingURL
        self.status = status
        self.cost = cost
        self.inputMegapixels = inputMegapixels
        self.outputMegapixels = outputMegapixels
    }

    /// Reads a submit answer. `/v1/finetune` answers `{"finetune_id"}` rather than `{"id"}`.
    public static func decode(_ json: JSONValue) throws(FluxError) -> SubmitResponse {
        guard case .object = json else { throw .malformedResponse("expected a JSON object, got \(json.typeDescription)") }
        guard let id = (json["id"] ?? json["finetune_id"])?.stringValue, !id.isEmpty else {
            throw .malformedResponse("the answer has no task id")
        }
        return SubmitResponse(id: id, pollingURL: json["polling_url"]?.stringValue, status: json["status"]?.stringValue,
                              cost: json["cost"]?.doubleValue, inputMegapixels: json["input_mp"]?.doubleValue,
                              outputMegapixels: json["output_mp"]?.doubleValue)
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id)]
        if let pollingURL { o["polling_url"] = .string(pollingURL) }
        if let status { o["status"] = .string(status) }
        if let cost { o["cost"] = .double(cost) }
        if let inputMegapixels { o["input_mp"] = .double(inputMegapixels) }
        if let outputMegapixels { o["output_mp"] = .double(outputMegapixels) }
        return .object(o)
    }
}

/// A task's status as the API reports it. Anything that is not one of the five final statuses is
/// still running and is shown verbatim ("Pending", "Generating", ...).
public enum TaskStatus: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case running(String)
    case ready
    case requestModerated
    case contentModerated
    case error
    case notFound

    public init(_ text: String) {
        switch text {
        case "Ready": self = .ready
        case "Request Moderated": self = .requestModerated
        case "Content Moderated": self = .contentModerated
        case "Error": self = .error
        case "Task not found": self = .notFound
        default: self = .running(text)
        }
    }

    public var text: String {
        switch self {
        case .running(let s): return s
        case .ready: return "Ready"
        case .requestModerated: return "Request Moderated"
        case .contentModerated: return "Content Moderated"
        case .error: return "Error"
        case .notFound: return "Task not found"
        }
    }

    public var description: String { text }
    public var isFinal: Bool { if case .running = self { return false }; return true }
    public var isModerated: Bool { self == .requestModerated || self == .contentModerated }
    public var isFailure: Bool { isFinal && self != .ready }

    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

/// `GET /v1/get_result`: only `id` and `status` are sure to be there.
public struct ResultResponse: Sendable, Equatable {
    public let id: String
    public let status: TaskStatus
    public let progress: Double?
    /// `result.sample`: a signed URL valid for about ten minutes.
    public let sampleURL: String?
    public let seed: Int?
    public let prompt: String?
    public let startTime: Double?
    public let endTime: Double?
    public let duration: Double?
    /// The `result` object as sent (fine-tunes put other things there).
    public let result: JSONValue?
    public let details: JSONValue?

    public init(id: String, status: TaskStatus, progress: Double? = nil, sampleURL: String? = nil, seed: Int? = nil,
                prompt: String? = nil, startTime: Double? = nil, endTime: Double? = nil, duration: Double? = nil,
                result: JSONValue? = nil, details: JSONValue? = nil) {
        self.id = id
        self.status = status
        self.progress = progress
        self.sampleURL = sampleURL
        self.seed = seed
        self.prompt = prompt
        self.startTime = startTime
        self.endTime = endTime
        self.duration = duration
        self.result = result
        self.details = details
    }

    public static func decode(_ json: JSONValue) throws(FluxError) -> ResultResponse {
        guard case .object = json else { throw .malformedResponse("expected a JSON object, got \(json.typeDescription)") }
        guard let status = json["status"]?.stringValue else { throw .malformedResponse("the result has no status") }
        let result = json["result"].flatMap { $0.isNull ? nil : $0 }
        var progress = json["progress"]?.doubleValue
        if let p = progress, !p.isFinite { progress = nil }
        return ResultResponse(
            id: json["id"]?.stringValue ?? "", status: TaskStatus(status),
            progress: progress.map { min(1, max(0, $0)) },
            sampleURL: result?["sample"]?.stringValue, seed: result?["seed"]?.intValue,
            prompt: result?["prompt"]?.stringValue, startTime: result?["start_time"]?.doubleValue,
            endTime: result?["end_time"]?.doubleValue, duration: result?["duration"]?.doubleValue,
            result: result, details: json["details"].flatMap { $0.isNull ? nil : $0 })
    }

    /// Moderation reasons or the error text, for people.
    public var failureReason: String? {
        guard let details else { return status.isFailure ? status.text : nil }
        if let reasons = details["Moderation Reasons"]?.arrayValue {
            let texts = reasons.compactMap { $0.stringValue }
            if !texts.isEmpty { return "\(status.text): \(texts.joined(separator: ", "))" }
        }
        if let error = details["error"]?.stringValue { return error }
        if status.isFailure { return "\(status.text): \(ValueParser.clip(details.serialized(), 200))" }
        return nil
    }
}

/// `GET /v1/finetune_details` answers a free-form object; these are the fields the UI shows.
public struct FinetuneDetails: Sendable, Equatable {
    public let id: String
    public let fields: [String: JSONValue]

    public var comment: String? { fields["finetune_comment"]?.stringValue ?? fields["comment"]?.stringValue }
    public var triggerWord: String? { fields["trigger_word"]?.stringValue }
    public var mode: String? { fields["mode"]?.stringValue }
    public var finetuneType: String? { fields["finetune_type"]?.stringValue }
}
