import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A response read in full (JSON answers are small; downloads use `stream`).
public struct HTTPResponseData: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: Data

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    public var requestID: String? { header("x-request-id") }
}

/// Timeouts for one kind of call, in seconds.
public struct Timeouts: Sendable, Equatable {
    public var connect: Double
    /// Longest silence while waiting for a response.
    public var read: Double
    /// Longest a whole exchange may take (one attempt).
    public var request: Double

    public init(connect: Double = 10, read: Double = 60, request: Double = 120) {
        self.connect = connect
        self.read = read
        self.request = request
    }
}

/// The HTTP layer: one async-http-client instance, the `x-key` header, timeouts, and retries that
/// never repeat what is unsafe to repeat.
public final class HTTPTransport: Sendable {
    public let client: HTTPClient
    public let timeouts: Timeouts
    private let userAgent = "flux-tui/0.1"

    public init(timeouts: Timeouts = Timeouts()) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Int64(timeouts.connect * 1000)),
                                      read: .milliseconds(Int64(timeouts.read * 1000)))
        // Our retry policy decides (it knows what is safe to resend); the pool must not retry on its own.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        configuration.decompression = .disabled
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        self.timeouts = timeouts
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Sends a request, retrying per `policy` and `safety`, and returns the final response whatever
    /// its status (the caller turns error statuses into `FluxError`).
    public func send(_ method: HTTPMethod, _ url: URL, key: APIKey?, body: Data? = nil,
                     safety: RequestSafety, policy: RetryPolicy,
                     onRetry: (@Sendable (RetryEvent) -> Void)? = nil) async throws -> HTTPResponseData {
        try await send(method, url, key: key, payload: body.map(RequestPayload.data), safety: safety, policy: policy, onRetry: onRetry)
    }

    public func send(_ method: HTTPMethod, _ url: URL, key: APIKey?, payload: RequestPayload?,
                     safety: RequestSafety, policy: RetryPolicy,
                     onRetry: (@Sendable (RetryEvent) -> Void)? = nil) async throws -> HTTPResponseData {
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let outcome: AttemptOutcome
            var retryAfter: Double?
            var lastResponse: HTTPResponseData?
            do {
                let response = try await once(method, url, key: key, payload: payload)
                if (200..<400).contains(response.status) { return response }
                outcome = .status(response.status)
                retryAfter = RetryPolicy.parseRetryAfter(response.header("retry-after"))
                lastResponse = response
            } catch let error as FluxError {
                throw error
            } catch {
                if error is CancellationError || (error as? HTTPClientError) == .cancelled { throw FluxError.cancelled }
                outcome = Self.classify(error)
            }
            let decision = RetryPolicy.decide(outcome, safety: safety, retryConnectionErrors: policy.retryConnectionErrors)
            let elapsed = Self.seconds(ContinuousClock.now - started)
            let delay = policy.delay(attempt: attempt, retryAfter: retryAfter)
            if decision == .retry && elapsed + delay <= policy.maxElapsed {
                onRetry?(RetryEvent(attempt: attempt, outcome: outcome, delay: delay))
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                continue
            }
            if let lastResponse {
                if decision == .uncertain {
                    throw FluxError.submitUncertain("HTTP \(lastResponse.status)")
                }
                return lastResponse
            }
            switch (outcome, decision) {
            case (.notSent(let why), _): throw FluxError.transport(why)
            case (.lostAfterSending(let why), .uncertain): throw FluxError.submitUncertain(why)
            case (.lostAfterSending(let why), _): throw FluxError.transport(why)
            case (.status(let s), _): throw FluxError.api(status: s, message: "", requestID: nil)
            }
        }
    }

    /// One attempt: sends and reads the whole body.
    func once(_ method: HTTPMethod, _ url: URL, key: APIKey?, payload: RequestPayload?) async throws -> HTTPResponseData {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        request.headers.add(name: "user-agent", value: userAgent)
        request.headers.add(name: "accept", value: "application/json")
        if let key { request.headers.add(name: "x-key", value: key.headerValue) }
        var deadline = timeouts.request
        switch payload {
        case .data(let body)?:
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        case .base64(let prefix, let source, let suffix, let progress)?:
            request.headers.add(name: "content-type", value: "application/json")
            let total = payload!.length
            request.body = .stream(Base64BodyStream(prefix: prefix, source: source, suffix: suffix, total: total, progress: progress),
                                   length: .known(Int64(total)))
            // A large upload gets time in proportion (at least 1 MB/s) on top of the usual limit.
            deadline += Double(total) / 1_000_000
        case nil:
            break
        }
        let response = try await client.execute(request, timeout: .milliseconds(Int64(deadline * 1000)))
        let buffer = try await response.body.collect(upTo: 32 * 1024 * 1024)
        return HTTPResponseData(status: Int(response.status.code),
                                headers: response.headers.map { ($0.name, $0.value) },
                                body: Data(buffer.readableBytesView))
    }

    /// Sorts an error by whether the server can have seen the request.
    static func classify(_ error: Error) -> AttemptOutcome {
        let text = describe(error)
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .connectTimeout, .tlsHandshakeTimeout, .invalidURL, .emptyHost, .emptyScheme,
                 .getConnectionFromPoolTimeout, .alreadyShutdown:
                return .notSent(text)
            default:
                return .lostAfterSending(text)
            }
        }
        if error is NIOConnectionError { return .notSent(text) }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError { return .notSent(text) }
        if let ioError = error as? IOError,
           [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, ENOENT].contains(ioError.errnoCode) {
            return .notSent(text)
        }
        return .lostAfterSending(text)
    }

    static func describe(_ error: Error) -> String {
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .connectTimeout: return "connection timed out"
            case .readTimeout: return "no response within the read timeout"
            case .deadlineExceeded: return "the request took too long"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return String(describing: clientError)
            }
        }
        if let connectionError = error as? NIOConnectionError {
            if let first = connectionError.connectionErrors.first {
                return "cannot connect to \(connectionError.host):\(connectionError.port) (\(first.error))"
            }
            if connectionError.dnsAError != nil || connectionError.dnsAAAAError != nil {
                return "cannot resolve \(connectionError.host)"
            }
            return "cannot connect to \(connectionError.host):\(connectionError.port)"
        }
        if let ioError = error as? IOError {
            return ioError.errnoCode == ECONNREFUSED ? "connection refused" : String(describing: ioError)
        }
        return String(describing: error)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Told to the caller before each retry, so the UI can show "retrying in 3 s (HTTP 503)".
public struct RetryEvent: Sendable, Equatable {
    public let attempt: Int
    public let outcome: AttemptOutcome
    public let delay: Double

    public var summary: String {
        let what: String
        switch outcome {
        case .status(let s): what = "HTTP \(s)"
        case .notSent(let why), .lostAfterSending(let why): what = why
        }
        return "retry \(attempt) in \(String(format: "%.1f", delay)) s after \(what)"
    }
}
