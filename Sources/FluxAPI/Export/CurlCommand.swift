import Foundation

/// A task's request as a shell command anyone can rerun: `curl` with the body as it is sent, image
/// files read and base64-encoded by the shell (`base64 < FILE | tr -d '\n'`, which GNU and BSD
/// base64 both run), and the key taken from `$BFL_API_KEY`, never written out. No `jq` needed.
///
/// Why an unquoted heredoc on stdin: the body stays readable JSON, `$(…)` fills in each image, and
/// a 20 MB image is no problem (an argument may hold 128 KiB on Linux). Every `\`, `$` and
/// backquote of the JSON text itself is escaped for the shell, and paths are single-quoted. The
/// heredoc adds one line end after the JSON, which servers read as whitespace.
public enum CurlCommand {
    public static func make(_ endpoint: Endpoint, _ parameters: TaskParameters, serverURL: URL) -> String {
        let url = serverURL.appendingPathComponent(String(endpoint.path.drop { $0 == "/" })).absoluteString
        var members: [String] = []
        var omitted: [String] = []
        for name in parameters.values.keys.sorted() {
            guard let value = parameters[name], let field = endpoint.field(name) else { continue }
            let key = shellEscapedJSON(JSONValue.string(name).serialized())
            switch value {
            case .file(let path):
                members.append("\(key):\"$(base64 < \(singleQuoted(path)) | tr -d '\\n')\"")
            case _ where field.kind == .secret:
                omitted.append(name)
            default:
                guard let json = value.inlineJSON else { continue }
                members.append("\(key):\(shellEscapedJSON(json.serialized()))")
            }
        }
        var lines = ["curl -sS -X POST \(singleQuoted(url)) \\",
                     "  -H \"x-key: $BFL_API_KEY\" -H 'Content-Type: application/json' \\",
                     "  --data-binary @- <<JSON",
                     "{" + members.joined(separator: ",") + "}",
                     "JSON"]
        if !omitted.isEmpty { lines.insert("# not included (secrets are never recorded): \(omitted.joined(separator: ", "))", at: 0) }
        return lines.joined(separator: "\n")
    }

    /// Quotes a word for a POSIX shell: `'it'\''s'`.
    public static func singleQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// JSON text made literal inside an unquoted heredoc.
    static func shellEscapedJSON(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.count)
        for character in json {
            if character == "\\" || character == "$" || character == "`" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
