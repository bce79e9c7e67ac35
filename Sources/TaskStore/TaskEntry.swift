import FluxAPI
import Foundation

/// Where a task is in its life, from the app's point of view (the server's status text is kept
/// beside it verbatim).
public enum TaskPhase: String, Codable, Sendable, CaseIterable {
    /// Waiting for a free slot under the server's active-task limit.
    case queued
    case submitting
    /// Submitted; being polled.
    case running
    case downloading
    /// Ready and downloaded.
    case done
    case moderated
    case failed
    /// The submit may or may not have reached the server; never resent automatically.
    case uncertain
    case cancelled

    /// Phases that need work from the app (polling, submitting, downloading) after a restart.
    public var isActive: Bool {
        // A switch, not an array literal: the task list counts active tasks every frame.
        switch self {
        case .queued, .submitting, .running, .downloading: return true
        case .done, .moderated, .failed, .uncertain, .cancelled: return false
        }
    }
    public var isFinal: Bool { !isActive }
}

/// One task as the app shows and stores it. Parameters are stored as the user gave them (file
/// fields as paths); secrets and inline base64 never reach the database.
public struct TaskEntry: Sendable, Equatable, Identifiable {
    public var id: String
    public var remoteID: String?
    public var endpoint: String
    public var parameters: TaskParameters
    public var phase: TaskPhase
    public var statusText: String?
    public var progress: Double?
    public var seed: Int?
    public var pollingURL: String?
    public var sampleURL: String?
    public var cost: Double?
    public var createdAt: Date
    public var submittedAt: Date?
    public var finishedAt: Date?
    public var updatedAt: Date
    public var error: String?
    public var outputs: [String]
    public var hidden: Bool
    /// The batch the task belongs to (a sweep, a batch file) and its place there, from 0.
    public var batchID: String?
    public var batchIndex: Int?
    /// The task this one was made from (a rerun, an edited resubmit).
    public var parentID: String?
    /// Why the task ended without its result, as the engine saw it (not stored; see `error`).
    public var failure: TaskFailure?

    public init(id: String = UUID().uuidString.lowercased(), remoteID: String? = nil, endpoint: String,
                parameters: TaskParameters, phase: TaskPhase = .queued, statusText: String? = nil, progress: Double? = nil,
                seed: Int? = nil, pollingURL: String? = nil, sampleURL: String? = nil, cost: Double? = nil,
                createdAt: Date = Date(), submittedAt: Date? = nil, finishedAt: Date? = nil, updatedAt: Date? = nil,
                error: String? = nil, outputs: [String] = [], hidden: Bool = false, failure: TaskFailure? = nil,
                origin: TaskOrigin = .standalone) {
        self.id = id
        self.remoteID = remoteID
        self.endpoint = endpoint
        self.parameters = parameters
        self.phase = phase
        self.statusText = statusText
        self.progress = progress
        self.seed = seed
        self.pollingURL = pollingURL
        self.sampleURL = sampleURL
        self.cost = cost
        self.createdAt = createdAt
        self.submittedAt = submittedAt
        self.finishedAt = finishedAt
        self.updatedAt = updatedAt ?? createdAt
        self.error = error
        self.outputs = outputs
        self.hidden = hidden
        self.failure = failure
        self.batchID = origin.batchID
        self.batchIndex = origin.batchIndex
        self.parentID = origin.parentID
    }

    /// Its batch, place in it and parent, as one value.
    public var origin: TaskOrigin {
        get { TaskOrigin(batchID: batchID, batchIndex: batchIndex, parentID: parentID) }
        set { (batchID, batchIndex, parentID) = (newValue.batchID, newValue.batchIndex, newValue.parentID) }
    }

    /// The prompt, for lists and filters.
    public var prompt: String? {
        if case .text(let p) = parameters["prompt"] { return p }
        if case .text(let c) = parameters["finetune_comment"] { return c }
        return nil
    }

    /// Parameters safe to write to disk: no secret fields, no inline base64 payloads.
    public static func storable(_ parameters: TaskParameters, endpoint: String) -> TaskParameters {
        let spec = EndpointRegistry.endpoint(named: endpoint)
        func dropped(_ name: String, _ value: FieldValue) -> Bool {
            if case .base64 = value { return true }
            return spec?.field(name)?.kind == .secret
        }
        // Usually nothing is dropped: the task is saved at every change, so no copy then.
        guard parameters.values.contains(where: { dropped($0.key, $0.value) }) else { return parameters }
        var out = TaskParameters()
        for (name, value) in parameters.values where !dropped(name, value) { out[name] = value }
        return out
    }
}

/// A fine-tune the account owns, with what the app learned about it.
public struct FinetuneEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var comment: String?
    public var triggerWord: String?
    public var mode: String?
    public var finetuneType: String?
    public var statusText: String?
    public var progress: Double?
    public var createdAt: Date
    public var updatedAt: Date
    /// `finetune_details` as the server sent it, kept as JSON text: a JSON column decoded through
    /// `Codable` cannot tell a number from a boolean.
    private var detailsJSON: String?
    public var hidden: Bool

    public var details: JSONValue? {
        get { detailsJSON.flatMap { try? JSONValue.parse($0) } }
        set { detailsJSON = newValue?.serialized() }
    }

    enum CodingKeys: String, CodingKey {
        case id, comment, triggerWord, mode, finetuneType, statusText, progress, createdAt, updatedAt, hidden
        case detailsJSON = "details"
    }

    public init(id: String, comment: String? = nil, triggerWord: String? = nil, mode: String? = nil, finetuneType: String? = nil,
                statusText: String? = nil, progress: Double? = nil, createdAt: Date = Date(), updatedAt: Date? = nil,
                details: JSONValue? = nil, hidden: Bool = false) {
        self.id = id
        self.comment = comment
        self.triggerWord = triggerWord
        self.mode = mode
        self.finetuneType = finetuneType
        self.statusText = statusText
        self.progress = progress
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.detailsJSON = details?.serialized()
        self.hidden = hidden
    }
}
