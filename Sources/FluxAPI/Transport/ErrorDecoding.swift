import Foundation

/// Turns error answers into `FluxError`: 422's `detail` list into issues, other bodies into a
/// message read from `detail`, then `message`, then `error`.
enum ErrorDecoding {
    static func error(for response: HTTPResponseData) -> FluxError {
        let json = try? JSONValue.parse(response.body)
        if response.status == 422, let details = json?["detail"]?.arrayValue {
            let issues = details.map(issue(from:))
            if !issues.isEmpty { return .validation(issues, requestID: response.requestID) }
        }
        return .api(status: response.status, message: message(json: json, body: response.body),
                    requestID: response.requestID)
    }

    static func issue(from entry: JSONValue) -> ValidationIssue {
        let loc = entry["loc"]?.arrayValue ?? []
        // FastAPI puts "body" / "query" first; the field is the last string part.
        // Integer parts are positions (["body", 0] for unparseable JSON), not field names.
        let parts = loc.compactMap(\.stringValue)
        let field = parts.filter { !["body", "query", "header", "path"].contains($0) }.joined(separator: ".")
        return .error(field.isEmpty ? nil : field, entry["msg"]?.stringValue ?? entry.serialized(),
                      type: entry["type"]?.stringValue ?? "value_error")
    }

    static func message(json: JSONValue?, body: Data) -> String {
        if let json {
            for key in ["detail", "message", "error"] {
                switch json[key] {
                case .string(let s)?: return ValueParser.clip(s, 500)
                case .some(let other) where !other.isNull: return ValueParser.clip(other.serialized(), 500)
                default: continue
                }
            }
        }
        let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.contains("<html") || text.contains("<HTML") ? "" : text
    }
}
