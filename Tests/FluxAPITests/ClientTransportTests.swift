import Foundation
import Testing
import TestSupport
@testable import FluxAPI

/// The client core against a real HTTP server on 127.0.0.1 whose answers each test scripts.
@Suite(.awaitsAfterTest) struct ClientTransportTests {
    static let fastRetry = RetryPolicy(initialInterval: 0.05, factor: 1.5, maxInterval: 0.2, maxElapsed: 5, jitter: 0)

    // Generous: the whole suite runs in parallel on 2 cores; only slowResponsesTimeOut tests timeouts.
    func client(_ server: ScriptedHTTPServer, timeouts: Timeouts = Timeouts(connect: 10, read: 20, request: 30),
                retry: RetryPolicy = fastRetry) throws -> FluxClient {
        try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("test-key-0123456789"),
                                           timeouts: timeouts, retryPolicy: retry))
    }

    func prepared(_ id: String, _ sets: [String]) throws -> PreparedRequest {
        let endpoint = try #require(EndpointRegistry.endpoint(named: id))
        let (parameters, issues) = AssignmentParser.parse(sets, for: endpoint)
        #expect(issues.isEmpty)
        return try RequestPreparer.prepare(endpoint, parameters).get()
    }

    @Test func submitSendsTheExactBodyWithTheKey() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in
            .json(200, #"{"id":"task-1","polling_url":"http://127.0.0.1:1/v1/get_result?id=task-1","cost":2.5}"#)
        }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        let answer = try await client.submit(try prepared("flux-dev", ["prompt=a lighthouse", "width=512", "seed=7", "raw=x"].filter { !$0.hasPrefix("raw") }))
        #expect(answer.id == "task-1")
        #expect(answer.cost == 2.5)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/flux-dev")
        #expect(request.header("x-key") == "test-key-0123456789")
        #expect(request.header("content-type") == "application/json")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"prompt":"a lighthouse","seed":7,"width":512}"#)
    }

    @Test func validationErrorsCarryEveryDetailEntry() async throws {
        let body = #"{"detail":[{"loc":["body","width"],"msg":"Input should be a multiple of 32","type":"multiple_of"},"#
            + #"{"loc":["body","steps"],"msg":"Input should be less than or equal to 50","type":"less_than_equal"}]}"#
        let server = try await ScriptedHTTPServer.start { _, _ in .json(422, body, headers: [("x-request-id", "req-9")]) }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        do {
            _ = try await client.submit(try prepared("flux-dev", ["prompt=x"]))
            Issue.record("expected a validation error")
        } catch let error as FluxError {
            guard case .validation(let issues, let requestID) = error else { Issue.record("got \(error)"); return }
            #expect(issues.map(\.field) == ["width", "steps"])
            #expect(issues.map(\.type) == ["multiple_of", "less_than_equal"])
            #expect(requestID == "req-9")
            #expect(error.description.contains("Input should be a multiple of 32"))
        }
        #expect(server.requests.count == 1, "a 422 is never retried")
    }

    @Test func tooManyRequestsHonoursRetryAfterThenSucceeds() async throws {
        let server = try await ScriptedHTTPServer.start { _, n in
            n == 1 ? .json(429, #"{"detail":"Too many active tasks"}"#, headers: [("retry-after", "1")])
                   : .json(200, #"{"id":"t2","polling_url":null}"#)
        }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        let events = EventLog()
        let answer = try await client.submit(try prepared("flux-pro-1.1", []), onRetry: { events.add($0) })
        #expect(answer.id == "t2")
        #expect(server.requests.count == 2)
        #expect(events.all.map(\.delay) == [1], "Retry-After wins over the backoff")
    }

    @Test func serverErrorsOnReadsAreRetried() async throws {
        let server = try await ScriptedHTTPServer.start { _, n in
            n <= 2 ? .json(502, "<html>bad gateway</html>") : .json(200, #"{"id":"t","status":"Pending","progress":0.5}"#)
        }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        let result = try await client.result(id: "t")
        #expect(result.status == .running("Pending"))
        #expect(result.progress == 0.5)
        #expect(server.requests.count == 3)
        #expect(server.requests[0].uri == "/v1/get_result?id=t")
    }

    @Test func aSubmitThatMayHaveBeenAcceptedIsNeverResent() async throws {
        for reply in [ScriptedReply.json(500, #"{"detail":"internal"}"#), .json(504, ""), .drop] {
            let server = try await ScriptedHTTPServer.start { _, _ in reply }
            let client = try client(server)
            do {
                _ = try await client.submit(try prepared("flux-dev", ["prompt=x"]))
                Issue.record("expected submitUncertain")
            } catch let error as FluxError {
                guard case .submitUncertain = error else { Issue.record("got \(error)"); continue }
                #expect(error.description.contains("not resent"))
            }
            #expect(server.requests.count == 1, "\(reply) must not be resent")
            await client.shutdown()
            await server.shutdown()
        }
    }

    @Test func aSubmitRefusedWith503IsResent() async throws {
        let server = try await ScriptedHTTPServer.start { _, n in
            n == 1 ? .json(503, #"{"detail":"busy"}"#) : .json(200, #"{"id":"t3","polling_url":"p"}"#)
        }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        #expect(try await client.submit(try prepared("flux-dev", [])).id == "t3")
        #expect(server.requests.count == 2)
    }

    @Test func connectionRefusedIsATransportErrorNotAnUncertainSubmit() async throws {
        // A port bound but not listening refuses connections, and no other test can take it.
        let closed = try ClosedPort()
        defer { closed.close() }
        let client = try FluxClient(ClientConfiguration(serverURL: URL(string: "http://127.0.0.1:\(closed.port)")!, apiKey: APIKey("k"),
                                                        retryPolicy: RetryPolicy(initialInterval: 0.05, maxElapsed: 0.3, jitter: 0)))
        afterTest { await client.shutdown() }
        do {
            _ = try await client.submit(try prepared("flux-dev", []))
            Issue.record("expected a transport error")
        } catch let error as FluxError {
            guard case .transport(let why) = error else { Issue.record("expected transport, got \(error)"); return }
            #expect(why.contains("refused") || why.contains("connect"), "\(why)")
        }
    }

    @Test func slowResponsesTimeOut() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .delayed(seconds: 3, .json(200, #"{"id":"late","status":"Ready"}"#)) }
        afterTest { await server.shutdown() }
        let client = try client(server, timeouts: Timeouts(connect: 1, read: 0.3, request: 0.5),
                                retry: RetryPolicy(initialInterval: 0.05, maxElapsed: 0.5, jitter: 0))
        afterTest { await client.shutdown() }
        do {
            _ = try await client.result(id: "late")
            Issue.record("expected a timeout")
        } catch let error as FluxError {
            guard case .transport = error else { Issue.record("got \(error)"); return }
        }
        do {
            _ = try await client.submit(try prepared("flux-dev", []))
            Issue.record("expected submitUncertain")
        } catch let error as FluxError {
            guard case .submitUncertain = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func malformedJSONIsAClearError() async throws {
        let server = try await ScriptedHTTPServer.start { request, _ in
            request.path == "/v1/my_finetunes" ? .json(200, #"{"finetunes": 3}"#) : .json(200, "{not json")
        }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        await #expect(throws: FluxError.self) { _ = try await client.result(id: "x") }
        do { _ = try await client.submit(try prepared("flux-dev", [])) } catch let error as FluxError {
            guard case .malformedResponse = error else { Issue.record("got \(error)"); return }
        }
        do { _ = try await client.myFinetunes() } catch let error as FluxError {
            #expect(error == .malformedResponse("no `finetunes` list"))
        }
    }

    @Test func retiredPathsAndAPIErrorsReadTheirMessage() async throws {
        let server = try await ScriptedHTTPServer.start { request, _ in
            switch request.path {
            case "/v1/flux-pro": return .json(404, #"{"detail":"Not Found"}"#)
            case "/v1/credits": return .json(402, #"{"message":"Insufficient credits"}"#)
            default: return .json(401, #"{"error":"bad key"}"#)
            }
        }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        await #expect(throws: FluxError.endpointRetired(endpoint: "flux-pro", status: 404)) {
            _ = try await client.submit(try prepared("flux-pro", []))
        }
        await #expect(throws: FluxError.api(status: 402, message: "Insufficient credits", requestID: nil)) {
            _ = try await client.credits()
        }
        await #expect(throws: FluxError.api(status: 401, message: "bad key", requestID: nil)) {
            _ = try await client.myFinetunes()
        }
        #expect(FluxError.endpointRetired(endpoint: "flux-pro", status: 404).description == "this server no longer offers flux-pro (HTTP 404)")
    }

    @Test func pollsUseThePollingURLAndFinetuneCallsTheirPaths() async throws {
        let server = try await ScriptedHTTPServer.start { request, _ in
            switch request.path {
            case "/regional/get_result": return .json(200, #"{"id":"t","status":"Ready","result":{"sample":"http://x/s.png","seed":5}}"#)
            case "/v1/my_finetunes": return .json(200, #"{"finetunes":["ft-1","ft-2"]}"#)
            case "/v1/finetune_details": return .json(200, #"{"finetune_details":{"trigger_word":"TOK","mode":"style"}}"#)
            case "/v1/delete_finetune": return .json(200, #"{"status":"ok","deleted_finetune_id":"ft-1"}"#)
            default: return .json(404, "{}")
            }
        }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        let result = try await client.result(id: "t", pollingURL: server.baseURL.absoluteString + "/regional/get_result?id=t")
        #expect(result.status == .ready && result.seed == 5 && result.sampleURL == "http://x/s.png")
        #expect(try await client.myFinetunes() == ["ft-1", "ft-2"])
        let details = try await client.finetuneDetails(id: "ft 1")
        #expect(details.triggerWord == "TOK" && details.mode == "style")
        #expect(try await client.deleteFinetune(id: "ft-1")["deleted_finetune_id"] == .string("ft-1"))
        let uris = server.requests.map(\.uri)
        #expect(uris.contains("/v1/finetune_details?finetune_id=ft%201"))
        #expect(String(decoding: server.requests.last!.body, as: UTF8.self) == #"{"finetune_id":"ft-1"}"#)
        #expect(server.requests.allSatisfy { $0.header("x-key") == "test-key-0123456789" })
    }

    @Test func insecurePollingURLsAreRefused() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, "{}") }
        afterTest { await server.shutdown() }
        let client = try client(server)
        afterTest { await client.shutdown() }
        await #expect(throws: FluxError.insecureServer("http://evil.example.com/get_result?id=t")) {
            _ = try await client.result(id: "t", pollingURL: "http://evil.example.com/get_result?id=t")
        }
        #expect(throws: FluxError.insecureServer("http://api.example.com")) {
            _ = try FluxClient(ClientConfiguration(serverURL: URL(string: "http://api.example.com")!, apiKey: APIKey("k")))
        }
    }

    @Test func resultStatusesAndDetailsAreRead() throws {
        let moderated = try ResultResponse.decode(try JSONValue.parse(#"{"id":"a","status":"Content Moderated","details":{"Moderation Reasons":["Derivative Works Filter"]}}"#))
        #expect(moderated.status.isModerated && moderated.status.isFinal)
        #expect(moderated.failureReason == "Content Moderated: Derivative Works Filter")
        let failed = try ResultResponse.decode(try JSONValue.parse(#"{"id":"a","status":"Error","details":{"error":"GPU on fire"}}"#))
        #expect(failed.failureReason == "GPU on fire")
        let generating = try ResultResponse.decode(try JSONValue.parse(#"{"id":"a","status":"Generating","progress":7}"#))
        #expect(generating.status == .running("Generating") && !generating.status.isFinal)
        #expect(generating.progress == 1, "progress is clamped to 0...1")
        #expect(throws: FluxError.malformedResponse("the result has no status")) { try ResultResponse.decode(.object([:])) }
        #expect(throws: FluxError.self) { try ResultResponse.decode(.array([])) }
        let webhook = try SubmitResponse.decode(try JSONValue.parse(#"{"id":"w","status":"Pending","webhook_url":"https://h"}"#))
        #expect(webhook.pollingURL == nil && webhook.status == "Pending")
        #expect(try SubmitResponse.decode(try JSONValue.parse(#"{"finetune_id":"ft-9"}"#)).id == "ft-9")
    }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RetryEvent] = []
    func add(_ e: RetryEvent) { lock.withLock { events.append(e) } }
    var all: [RetryEvent] { lock.withLock { events } }
}

@Suite(.awaitsAfterTest) struct ErrorDecodingTests {
    @Test func aNotFoundWithItsOwnMessageIsNotARetiredEndpoint() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(404, #"{"detail":"Finetune ft-9 not found"}"#) }
        afterTest { await server.shutdown() }
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("k")))
        afterTest { await client.shutdown() }
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-finetuned"))
        await #expect(throws: FluxError.api(status: 404, message: "Finetune ft-9 not found", requestID: nil)) {
            _ = try await client.submit(endpoint: endpoint, body: Data("{}".utf8))
        }
    }

    @Test func positionsInLocAreNotFieldNames() {
        let issue = ErrorDecoding.issue(from: .object(["loc": .array([.string("body"), .int(0)]), "msg": .string("JSON decode error"),
                                                      "type": .string("json_invalid")]))
        #expect(issue.field == nil)
        #expect(issue.type == "json_invalid")
        let nested = ErrorDecoding.issue(from: .object(["loc": .array([.string("body"), .string("width")]), "msg": .string("bad")]))
        #expect(nested.field == "width")
    }
}
