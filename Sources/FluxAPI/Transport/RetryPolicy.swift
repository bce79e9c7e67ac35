import Foundation

/// Backoff like the SDK's RetryConfig: 0.5 s, x1.5, at most 60 s between tries, give up after a
/// total (one hour by default), with jitter; a server's Retry-After wins when present.
public struct RetryPolicy: Sendable, Equatable {
    public var initialInterval: Double
    public var factor: Double
    public var maxInterval: Double
    public var maxElapsed: Double
    /// Fraction of the delay added or removed at random so many clients don't retry in step.
    public var jitter: Double
    /// Retry connection failures at all (the SDK's `retry_connection_errors`).
    public var retryConnectionErrors: Bool

    public init(initialInterval: Double = 0.5, factor: Double = 1.5, maxInterval: Double = 60,
                maxElapsed: Double = 3600, jitter: Double = 0.2, retryConnectionErrors: Bool = true) {
        self.initialInterval = initialInterval
        self.factor = factor
        self.maxInterval = maxInterval
        self.maxElapsed = maxElapsed
        self.jitter = jitter
        self.retryConnectionErrors = retryConnectionErrors
    }

    public static let sdkDefault = RetryPolicy()
    public static let none = RetryPolicy(maxElapsed: 0, retryConnectionErrors: false)

    /// Delay before retry number `attempt` (1-based). `unit` in 0..<1 supplies the jitter.
    public func delay(attempt: Int, retryAfter: Double?, unit: Double = Double.random(in: 0..<1)) -> Double {
        if let retryAfter { return max(0, min(retryAfter, maxElapsed)) }
        let base = min(maxInterval, initialInterval * pow(factor, Double(max(0, attempt - 1))))
        let spread = base * jitter * (unit * 2 - 1)
        return max(0, min(maxInterval, base + spread))
    }
}

/// Whether a request may be sent again after a failure. GETs are safe to repeat; a submit is only
/// repeated when the server cannot have accepted it.
public enum RequestSafety: Sendable {
    case idempotent
    case createsTask
}

/// What happened to one attempt, reduced to what the retry decision needs.
public enum AttemptOutcome: Sendable, Equatable {
    case status(Int)
    /// Failed before the request left: connection refused, DNS, connect timeout.
    case notSent(String)
    /// Failed after (part of) the request may have reached the server: reset, read timeout.
    case lostAfterSending(String)
}

public enum RetryDecision: Sendable, Equatable {
    case retry
    case fail
    /// A submit that may have been accepted: report, never resend.
    case uncertain
}

extension RetryPolicy {
    public static func decide(_ outcome: AttemptOutcome, safety: RequestSafety, retryConnectionErrors: Bool = true) -> RetryDecision {
        switch (outcome, safety) {
        case (.status(429), _), (.status(503), _):
            return .retry
        case (.status(let s), .idempotent) where s >= 500:
            return .retry
        case (.status(500), .createsTask), (.status(502), .createsTask), (.status(504), .createsTask):
            return .uncertain
        case (.status(let s), .createsTask) where s >= 500:
            return .uncertain
        case (.status, _):
            return .fail
        case (.notSent, _):
            return retryConnectionErrors ? .retry : .fail
        case (.lostAfterSending, .idempotent):
            return retryConnectionErrors ? .retry : .fail
        case (.lostAfterSending, .createsTask):
            return .uncertain
        }
    }

    /// Parses `Retry-After` as delta-seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds.isFinite, seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = formatter.date(from: value) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }
}
