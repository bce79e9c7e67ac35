import Foundation
import NIOHTTP1

/// Where to talk to and as whom.
public struct ClientConfiguration: Sendable {
    public var serverURL: URL
    public var apiKey: APIKey?
    public var allowInsecure: Bool
    public var timeouts: Timeouts
    public var retryPolicy: RetryPolicy

    public init(serverURL: URL = ServerPolicy.publicAPI, apiKey: APIKey?, allowInsecure: Bool = false,
                timeouts: Timeouts = Timeouts(), retryPolicy: RetryPolicy = .sdkDefault) {
        self.serverURL = serverURL
        self.apiKey = apiKey
        self.allowInsecure = allowInsecure
        self.timeouts = timeouts
        self.retryPolicy = retryPolicy
    }
}

/// The client core: submit tasks, read results, manage fine-tunes. One instance per server.
public final class FluxClient: Sendable {
    public let configuration: ClientConfiguration
    public let transport: HTTPTransport

    public init(_ configuration: ClientConfiguration) throws(FluxError) {
        try ServerPolicy.checkKeyMayBeSent(to: configuration.serverURL, allowInsecure: configuration.allowInsecure)
        self.configuration = configuration
        self.transport = HTTPTransport(timeouts: configuration.timeouts)
    }

    public func shutdown() async { await transport.shutdown() }

    // MARK: tasks

    /// Submits a prepared request. Retries only where the server cannot have accepted it. A
    /// fine-tune from a folder is zipped while it uploads; `progress` gets (bytes sent, total).
    public func submit(_ request: PreparedRequest, retry: RetryPolicy? = nil,
                       progress: (@Sendable (Int, Int) -> Void)? = nil,
                       onRetry: (@Sendable (RetryEvent) -> Void)? = nil) async throws -> SubmitResponse {
        if let dataset = request.dataset {
            // Planned now rather than when prepared: every file's size is read as the upload starts.
            return try await submitFinetune(source: .zip(try ZipPlan(dataset: dataset)), parameters: request.parameters,
                                            retry: retry, progress: progress, onRetry: onRetry)
        }
        return try await submit(endpoint: request.endpoint, body: try request.body(), retry: retry, onRetry: onRetry)
    }

    public func submit(endpoint: Endpoint, body: Data, retry: RetryPolicy? = nil,
                       onRetry: (@Sendable (RetryEvent) -> Void)? = nil) async throws -> SubmitResponse {
        let url = try apiURL(endpoint.path)
        let response = try await transport.send(.POST, url, key: configuration.apiKey, body: body, safety: .createsTask,
                                                policy: retry ?? configuration.retryPolicy, onRetry: onRetry)
        // A retired path answers 410, or 404 with FastAPI's plain "Not Found"; a 404 with its own
        // message (an unknown fine-tune, say) is an ordinary error.
        if response.status == 410 || response.status == 404 && Self.isPlainNotFound(response.body) {
            throw FluxError.endpointRetired(endpoint: endpoint.id, status: response.status)
        }
        return try SubmitResponse.decode(try json(response))
    }

    /// Submits a fine-tune whose training data is the ZIP file at `archive`, streamed
    /// base64-encoded as `file_data` with the other parameters, so memory stays flat.
    /// `progress` gets (bytes sent, total).
    public func submitFinetune(archive: URL, parameters: TaskParameters, retry: RetryPolicy? = nil,
                               progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> SubmitResponse {
        try await submitFinetune(source: try ArchiveSource.file(archive), parameters: parameters, retry: retry, progress: progress)
    }

    /// Submits a fine-tune whose archive comes from `source`: a ZIP file, or a folder's ZIP made
    /// while it uploads (`.zip(ZipPlan(dataset:))`, no temporary file).
    public func submitFinetune(source: ArchiveSource, parameters: TaskParameters, retry: RetryPolicy? = nil,
                               progress: (@Sendable (Int, Int) -> Void)? = nil,
                               onRetry: (@Sendable (RetryEvent) -> Void)? = nil) async throws -> SubmitResponse {
        guard let endpoint = EndpointRegistry.endpoint(named: "finetune") else { throw FluxError.configuration("no finetune endpoint") }
        var rest = parameters
        rest["file_data"] = nil
        let others = try RequestEncoder.encode(endpoint, rest)
        let prefix = Data(#"{"file_data":""#.utf8)
        // `others` is "{...}": splice its members after file_data.
        let suffix = others.count > 2 ? Data("\",".utf8) + others.dropFirst() : Data("\"}".utf8)
        let url = try apiURL(endpoint.path)
        let response = try await transport.send(.POST, url, key: configuration.apiKey,
                                                payload: .base64(prefix: prefix, source: source, suffix: suffix, progress: progress),
                                                safety: .createsTask, policy: retry ?? configuration.retryPolicy, onRetry: onRetry)
        if response.status == 410 || response.status == 404 && Self.isPlainNotFound(response.body) {
            throw FluxError.endpointRetired(endpoint: endpoint.id, status: response.status)
        }
        return try SubmitResponse.decode(try json(response))
    }

    /// Polls once. Uses the task's `polling_url` when it has one (tasks live on regional hosts).
    public func result(id: String, pollingURL: String? = nil, retry: RetryPolicy? = nil) async throws -> ResultResponse {
        let url = try resultURL(id: id, pollingURL: pollingURL)
        let response = try await transport.send(.GET, url, key: configuration.apiKey, safety: .idempotent,
                                                policy: retry ?? configuration.retryPolicy)
        // Some servers answer a poll with 422 or 404 and a task body; the body is the truth then.
        if !(200..<300).contains(response.status) {
            if let body = try? JSONValue.parse(response.body), body["status"]?.stringValue != nil,
               let result = try? ResultResponse.decode(body) {
                return result
            }
            throw ErrorDecoding.error(for: response)
        }
        var result = try ResultResponse.decode(try json(response))
        if result.id.isEmpty { result = ResultResponse(id: id, status: result.status, progress: result.progress,
                                                       sampleURL: result.sampleURL, seed: result.seed, prompt: result.prompt,
                                                       startTime: result.startTime, endTime: result.endTime,
                                                       duration: result.duration, result: result.result, details: result.details) }
        return result
    }

    // MARK: fine-tunes and account

    public func myFinetunes(retry: RetryPolicy? = nil) async throws -> [String] {
        let body = try await getJSON("/v1/my_finetunes", retry: retry)
        guard let list = body["finetunes"]?.arrayValue else { throw FluxError.malformedResponse("no `finetunes` list") }
        return list.compactMap { $0.stringValue }
    }

    public func finetuneDetails(id: String, retry: RetryPolicy? = nil) async throws -> FinetuneDetails {
        let body = try await getJSON("/v1/finetune_details", query: ["finetune_id": id], retry: retry)
        guard let details = body["finetune_details"]?.objectValue else {
            throw FluxError.malformedResponse("no `finetune_details` object")
        }
        return FinetuneDetails(id: id, fields: details)
    }

    public func deleteFinetune(id: String, retry: RetryPolicy? = nil) async throws -> JSONValue {
        let url = try apiURL("/v1/delete_finetune")
        let body = JSONValue.object(["finetune_id": .string(id)]).serializedData()
        let response = try await transport.send(.POST, url, key: configuration.apiKey, body: body, safety: .createsTask,
                                                policy: retry ?? configuration.retryPolicy)
        return try json(response)
    }

    /// The account's credits, or nil when the server does not offer the call.
    public func credits(retry: RetryPolicy? = nil) async throws -> Double? {
        do {
            return try await getJSON("/v1/credits", retry: retry)["credits"]?.doubleValue
        } catch let error as FluxError where error.status == 404 {
            return nil
        }
    }

    // MARK: helpers

    static func isPlainNotFound(_ body: Data) -> Bool {
        guard let json = try? JSONValue.parse(body) else { return true }
        guard let detail = json["detail"] else { return json.objectValue?.isEmpty ?? true }
        return detail.stringValue?.lowercased() == "not found"
    }

    func getJSON(_ path: String, query: [String: String] = [:], retry: RetryPolicy? = nil) async throws -> JSONValue {
        let url = try apiURL(path, query: query)
        let response = try await transport.send(.GET, url, key: configuration.apiKey, safety: .idempotent,
                                                policy: retry ?? configuration.retryPolicy)
        return try json(response)
    }

    func json(_ response: HTTPResponseData) throws -> JSONValue {
        guard (200..<300).contains(response.status) else { throw ErrorDecoding.error(for: response) }
        do { return try JSONValue.parse(response.body) } catch {
            throw FluxError.malformedResponse("\(error) (HTTP \(response.status))")
        }
    }

    public func apiURL(_ path: String, query: [String: String] = [:]) throws(FluxError) -> URL {
        guard var components = URLComponents(url: configuration.serverURL, resolvingAgainstBaseURL: false) else {
            throw .configuration("bad server URL \(configuration.serverURL)")
        }
        let basePath = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.path = basePath + path
        if !query.isEmpty { components.queryItems = query.keys.sorted().map { URLQueryItem(name: $0, value: query[$0]) } }
        guard let url = components.url else { throw .configuration("cannot build a URL for \(path)") }
        return url
    }

    func resultURL(id: String, pollingURL: String?) throws(FluxError) -> URL {
        if let pollingURL, let url = URL(string: pollingURL), let scheme = url.scheme?.lowercased(),
           scheme == "https" || scheme == "http" {
            // The key goes to the polling host too; hold it to the same rule as the server.
            try ServerPolicy.checkKeyMayBeSent(to: url, allowInsecure: configuration.allowInsecure)
            return url
        }
        return try apiURL("/v1/get_result", query: ["id": id])
    }
}
