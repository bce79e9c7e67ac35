import Foundation

/// Everything that can go wrong talking to the API, typed so that the UI and the command line can
/// say precisely what happened and what to do.
public enum FluxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request was refused before sending: the user's input has problems (exit code 2).
    case invalidInput([ValidationIssue])
    /// 422 from the server, with every `detail` entry.
    case validation([ValidationIssue], requestID: String?)
    /// Any other HTTP error status.
    case api(status: Int, message: String, requestID: String?)
    /// The server no longer offers this path (404/410 on a submit path).
    case endpointRetired(endpoint: String, status: Int)
    /// Could not talk to the server at all.
    case transport(String)
    /// The server timed out or failed after it may have received a submit. Not resent, since that
    /// could start a second (paid) task.
    case submitUncertain(String)
    case insecureServer(String)
    case configuration(String)
    case malformedResponse(String)
    case resultExpired(String)
    case download(String)
    case cancelled

    public var description: String {
        switch self {
        case .invalidInput(let issues):
            return "invalid input:\n" + issues.map { "  \($0)" }.joined(separator: "\n")
        case .validation(let issues, let requestID):
            return "the server rejected the request (422)\(Self.requestSuffix(requestID)):\n"
                + issues.map { "  \($0)" }.joined(separator: "\n")
        case .api(let status, let message, let requestID):
            return "\(Self.statusSummary(status)) (HTTP \(status))\(message.isEmpty ? "" : ": \(message)")\(Self.requestSuffix(requestID))"
        case .endpointRetired(let endpoint, let status):
            return "this server no longer offers \(endpoint) (HTTP \(status))"
        case .transport(let why): return "cannot reach the server: \(why)"
        case .submitUncertain(let why):
            return "the submit may or may not have reached the server (\(why)); it was not resent "
                + "to avoid a duplicate task. Check your tasks before submitting again."
        case .insecureServer(let url):
            return "refusing to send the API key over plain http to \(url); use https, or pass --allow-insecure"
        case .configuration(let why): return why
        case .malformedResponse(let why): return "the server sent a response that could not be read: \(why)"
        case .resultExpired(let why): return "the result URL expired before it could be downloaded: \(why)"
        case .download(let why): return "download failed: \(why)"
        case .cancelled: return "cancelled"
        }
    }

    static func requestSuffix(_ id: String?) -> String { id.map { " [request \($0)]" } ?? "" }

    static func statusSummary(_ status: Int) -> String {
        switch status {
        case 400: return "bad request"
        case 401, 403: return "the API key was refused"
        case 402: return "out of credits"
        case 404: return "not found"
        case 410: return "gone"
        case 413: return "request too large"
        case 429: return "too many active tasks or requests"
        case 500...599: return "server error"
        default: return "request failed"
        }
    }

    /// HTTP status where there is one.
    public var status: Int? {
        switch self {
        case .api(let status, _, _): return status
        case .validation: return 422
        case .endpointRetired(_, let status): return status
        default: return nil
        }
    }
}
