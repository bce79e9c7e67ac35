import FluxAPI
import Foundation
import Locking
import NIOCore
import NIOHTTP1

/// Maps requests to answers: routing, auth, validation (through the client core's
/// `RequestBodyReader`, so the simulator and the client agree on every rule), limits, faults.
final class Router: Sendable {
    let config: SimulatorConfiguration
    let state: SimulatorState
    let faults: FaultInjector
    let renderer: SampleRenderer
    let statistics: Locked<SimulatorStatistics>
    /// "http://127.0.0.1:PORT", known once the server is bound.
    private let base: Locked<String>

    /// Bodies above this are parsed on the render pool rather than the cooperative pool.
    private static let offloadThreshold = 256 * 1024

    init(config: SimulatorConfiguration) {
        self.config = config
        renderer = SampleRenderer(threads: config.renderThreads)
        statistics = Locked(SimulatorStatistics())
        state = SimulatorState(config: config, renderer: renderer, statistics: statistics)
        faults = FaultInjector(config.faults)
        base = Locked("http://\(config.host):\(config.port)")
    }

    var baseURL: String {
        get { base.withLock { $0 } }
    }

    func setBaseURL(_ url: String) { base.withLock { $0 = url } }

    // MARK: entry point

    func respond(to request: SimRequest) async -> SimResponse {
        let (path, query) = Self.split(request.uri)
        let isSample = path.hasPrefix("/samples/") && request.method == .GET
        let (decision, latency) = faults.decide(isSampleDownload: isSample)
        statistics.withLock { $0.requests += 1 }
        if latency > 0 { try? await Task.sleep(for: .milliseconds(Int64(latency * 1000))) }
        if case .serverError(let status) = decision {
            statistics.withLock { $0.injectedErrors += 1 }
            return withRequestID(Self.injectedError(status, retryAfter: faults.configuration.retryAfter))
        }
        var response = await route(request, path: path, query: query)
        switch decision {
        case .drop:
            statistics.withLock { $0.injectedDrops += 1 }
            response.delivery = .drop
        case .truncate(let share) where isSample && response.status == .ok:
            statistics.withLock { $0.injectedTruncations += 1 }
            response.delivery = .truncate(Int(Double(response.body.readableBytes) * share))
        default:
            break
        }
        return withRequestID(response)
    }

    private func route(_ request: SimRequest, path: String, query: [String: String]) async -> SimResponse {
        let method = request.method
        func allow(_ expected: HTTPMethod) -> SimResponse? {
            method == expected ? nil : Self.methodNotAllowed(expected)
        }
        switch path {
        case "/v1/get_result":
            if let refusal = allow(.GET) ?? authenticate(request).refusal { return refusal }
            guard let id = query["id"] else { return Self.missingQuery("id") }
            let result = await state.result(id: id, now: Self.now(), baseURL: baseURL)
            return Self.json(.ok, result)
        case "/v1/my_finetunes":
            let auth = authenticate(request)
            if let refusal = allow(.GET) ?? auth.refusal { return refusal }
            let ids = await state.finetuneIDs(key: auth.key)
            return Self.json(.ok, .object(["finetunes": .array(ids.map(JSONValue.string))]))
        case "/v1/finetune_details":
            let auth = authenticate(request)
            if let refusal = allow(.GET) ?? auth.refusal { return refusal }
            guard let id = query["finetune_id"] else { return Self.missingQuery("finetune_id") }
            guard let details = await state.finetuneDetails(key: auth.key, id: id) else {
                return Self.json(.notFound, .object(["detail": .string("Finetune not found")]))
            }
            return Self.json(.ok, .object(["finetune_details": .object(details)]))
        case "/v1/delete_finetune":
            let auth = authenticate(request)
            if let refusal = allow(.POST) ?? auth.refusal { return refusal }
            return await deleteFinetune(request, key: auth.key)
        case "/v1/credits":
            let auth = authenticate(request)
            if let refusal = allow(.GET) ?? auth.refusal { return refusal }
            let balance = await state.balance(auth.key)
            return Self.json(.ok, .object(["credits": .double(Self.round2(balance))]))
        case "/openapi.json":
            // The document the registry was built from, so `flux-tui spec diff` has a default.
            if let refusal = allow(.GET) { return refusal }
            switch BuiltInDocument.data {
            case .success(let data):
                return SimResponse(status: .ok, headers: ["content-type": "application/json"], body: ByteBuffer(bytes: data))
            case .failure(let error):
                return Self.json(.notFound, .object(["detail": .string(error.description)]))
            }
        case "/", "/v1", "/v1/":
            if let refusal = allow(.GET) { return refusal }
            return SimResponse(status: .ok, headers: ["content-type": "text/plain; charset=utf-8"],
                               body: ByteBuffer(string: "FLUX API simulator (flux-tui). See Sources/FluxSimulator/README.md.\n"))
        default:
            if let endpoint = EndpointRegistry.endpoint(path: path) {
                let auth = authenticate(request)
                if let refusal = allow(.POST) ?? auth.refusal { return refusal }
                return await submit(endpoint, request, key: auth.key)
            }
            if path.hasPrefix("/samples/") {
                if let refusal = allow(.GET) { return refusal }
                return await sample(path: path)
            }
            return Self.json(.notFound, .object(["detail": .string("Not Found")]))
        }
    }

    /// Any non-empty `x-key` is accepted; tasks, credits and fine-tunes are kept per key.
    private func authenticate(_ request: SimRequest) -> (key: String, refusal: SimResponse?) {
        let key = request.headers.first(name: "x-key")?.trimmingCharacters(in: .whitespaces) ?? ""
        if key.isEmpty { return ("", Self.json(.forbidden, .object(["detail": .string("Not authenticated")]))) }
        return (key, nil)
    }

    // MARK: submit

    private func submit(_ endpoint: Endpoint, _ request: SimRequest, key: String) async -> SimResponse {
        if request.bodyTooLarge { return tooLarge() }
        let body = request.body
        let config = self.config
        let decoded: Result<Submission, SubmitRejection>
        if body.readableBytes > Self.offloadThreshold {
            decoded = (try? await renderer.run { SubmissionDecoder.decode(endpoint, body: body, config: config) })
                ?? .failure(SubmitRejection(response: Self.json(.serviceUnavailable, .object(["detail": .string("Shutting down")]))))
        } else {
            decoded = SubmissionDecoder.decode(endpoint, body: body, config: config)
        }
        let submission: Submission
        switch decoded {
        case .success(let s): submission = s
        case .failure(let rejection): return rejection.response
        }

        switch await state.submit(submission, key: key, now: Self.now()) {
        case .accepted(let id):
            if endpoint.createsFinetune {
                return Self.json(.ok, .object(["finetune_id": .string(id)]))
            }
            var answer: [String: JSONValue] = ["id": .string(id), "cost": .double(submission.cost)]
            if let input = submission.inputMegapixels { answer["input_mp"] = .double(input) }
            if let output = submission.outputMegapixels { answer["output_mp"] = .double(output) }
            if let webhook = submission.webhookURL {
                // The simulator records the webhook but never calls it; poll get_result instead.
                answer["status"] = .string("Pending")
                answer["webhook_url"] = .string(webhook)
            } else {
                answer["polling_url"] = .string("\(baseURL)/v1/get_result?id=\(id)")
            }
            return Self.json(.ok, .object(answer))
        case .tooManyActive(let limit):
            var response = Self.json(.tooManyRequests, .object(["detail": .string(
                "You have reached the limit of \(limit) active tasks. Wait for some to finish before submitting more.")]))
            response.headers.add(name: "retry-after", value: "1")
            return response
        case .insufficientCredits(let cost, let balance):
            return Self.json(.paymentRequired, .object(["detail": .string(
                "Insufficient credits: this request costs \(numberText(cost)) credits and the balance is "
                    + "\(numberText(Self.round2(balance))).")]))
        case .finetuneMissing(let id):
            return Self.validationError([Self.detail(loc: ["body", "finetune_id"], "Finetune \(id) not found", type: "value_error")])
        case .finetuneTraining(let id):
            return Self.validationError([Self.detail(loc: ["body", "finetune_id"],
                                                     "Finetune \(id) is still training", type: "finetune_not_ready")])
        case .finetuneFailed(let id):
            return Self.validationError([Self.detail(loc: ["body", "finetune_id"],
                                                     "Finetune \(id) failed to train", type: "finetune_failed")])
        }
    }

    private func deleteFinetune(_ request: SimRequest, key: String) async -> SimResponse {
        if request.bodyTooLarge { return tooLarge() }
        let json: JSONValue
        switch SubmissionDecoder.parse(request.body) {
        case .success(let value): json = value
        case .failure(let rejection): return rejection.response
        }
        guard let id = json["finetune_id"]?.stringValue, !id.isEmpty else {
            return Self.validationError([Self.detail(loc: ["body", "finetune_id"], "Field required", type: "missing")])
        }
        guard await state.deleteFinetune(key: key, id: id) else {
            return Self.json(.notFound, .object(["detail": .string("Finetune not found")]))
        }
        return Self.json(.ok, .object([
            "status": .string("ok"), "message": .string("Finetune \(id) deleted"),
            "deleted_finetune_id": .string(id), "timestamp": .string(SimulatorState.timestamp(Self.now())),
        ]))
    }

    // MARK: samples

    private func sample(path: String) async -> SimResponse {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 3 else { return Self.storageError(.notFound, "BlobNotFound", "The specified blob does not exist.") }
        switch await state.sample(token: String(parts[1]), fileName: String(parts[2]), now: Self.now()) {
        case .notFound:
            return Self.storageError(.notFound, "BlobNotFound", "The specified blob does not exist.")
        case .expired:
            return Self.storageError(.forbidden, "AuthenticationFailed",
                                     "Server failed to authenticate the request. Signed expiry time has passed.")
        case .ready(let render):
            do {
                let rendered = try await render.value
                statistics.withLock { $0.samplesServed += 1 }
                return SimResponse(status: .ok, headers: ["content-type": rendered.contentType], body: rendered.body)
            } catch {
                return Self.json(.internalServerError, .object(["detail": .string("Rendering failed: \(error)")]))
            }
        }
    }

    // MARK: answers

    private func tooLarge() -> SimResponse {
        Self.json(.payloadTooLarge, .object(["detail": .string("Request body too large: the limit is \(config.maxBodyBytes) bytes")]))
    }

    private func withRequestID(_ response: SimResponse) -> SimResponse {
        var response = response
        response.headers.replaceOrAdd(name: "x-request-id", value: String(UInt64.random(in: .min ... .max), radix: 16))
        return response
    }

    static func json(_ status: HTTPResponseStatus, _ value: JSONValue) -> SimResponse {
        SimResponse(status: status, headers: ["content-type": "application/json"], body: ByteBuffer(string: value.serialized()))
    }

    static func detail(loc: [String], _ message: String, type: String) -> JSONValue {
        detail(loc: loc.map(JSONValue.string), message, type: type)
    }

    static func detail(loc: [JSONValue], _ message: String, type: String) -> JSONValue {
        .object(["loc": .array(loc), "msg": .string(message), "type": .string(type)])
    }

    static func validationError(_ details: [JSONValue]) -> SimResponse {
        json(.unprocessableEntity, .object(["detail": .array(details)]))
    }

    static func missingQuery(_ name: String) -> SimResponse {
        validationError([detail(loc: ["query", name], "Field required", type: "missing")])
    }

    static func methodNotAllowed(_ allowed: HTTPMethod) -> SimResponse {
        var response = json(.methodNotAllowed, .object(["detail": .string("Method Not Allowed")]))
        response.headers.add(name: "allow", value: allowed.rawValue)
        return response
    }

    /// Expired or unknown sample URLs answer like the signed-URL storage the API delivers from.
    static func storageError(_ status: HTTPResponseStatus, _ code: String, _ message: String) -> SimResponse {
        let xml = #"<?xml version="1.0" encoding="utf-8"?><Error><Code>\#(code)</Code><Message>\#(message)</Message></Error>"#
        return SimResponse(status: status, headers: ["content-type": "application/xml"], body: ByteBuffer(string: xml))
    }

    static func injectedError(_ status: Int, retryAfter: Int) -> SimResponse {
        switch status {
        case 502:
            // What a proxy in front of the API sends: HTML, not JSON.
            return SimResponse(status: .badGateway, headers: ["content-type": "text/html"],
                               body: ByteBuffer(string: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n"))
        case 503:
            var response = json(.serviceUnavailable, .object(["detail": .string("Service temporarily unavailable (simulated)")]))
            response.headers.add(name: "retry-after", value: String(retryAfter))
            return response
        default:
            return json(.internalServerError, .object(["detail": .string("Internal Server Error (simulated)")]))
        }
    }

    // MARK: helpers

    static func now() -> Double { Date().timeIntervalSince1970 }

    static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// Splits "/v1/get_result?id=x" into its path and decoded query items.
    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        guard let components = URLComponents(string: uri) else { return (uri, [:]) }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] where query[item.name] == nil {
            query[item.name] = item.value ?? ""
        }
        return (components.path, query)
    }
}
