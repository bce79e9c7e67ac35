import FluxAPI

/// Writes the two JSON columns of a task (parameters, outputs) by hand, in the layout the
/// synthesized `Codable` and GRDB's JSON encoder give them (sorted keys, `{"text":{"_0":…}}`
/// per value), so rows written either way read back the same. The text can differ from the
/// encoder's where JSON allows it: "/" is not escaped, backspace and form feed are written as
/// \u0008 and \u000c, numbers as Swift prints them.
///
/// Why: the engine saves a task at every change of phase, and with 1,000 tasks finishing
/// together `JSONEncoder` was half the cost of a save, on the engine's one thread of work.
enum ColumnJSON {
    /// `{"values":{"name":{"kind":{"_0":value}},…}}`; nil for a value the hand writer leaves to
    /// `JSONEncoder` (a number that is not finite, which it rejects).
    static func parameters(_ parameters: TaskParameters) -> String? {
        var out = #"{"values":{"#
        var first = true
        for name in parameters.values.keys.sorted() {
            guard let value = parameters.values[name] else { continue }
            if !first { out += "," }
            first = false
            appendString(name, to: &out)
            out += ":"
            switch value {
            case .null: out += #"{"null":{}}"#
            case .text(let s): boxed("text", s, into: &out)
            case .file(let s): boxed("file", s, into: &out)
            case .url(let s): boxed("url", s, into: &out)
            case .base64(let s): boxed("base64", s, into: &out)
            case .integer(let i): out += #"{"integer":{"_0":"# + String(i) + "}}"
            case .boolean(let b): out += #"{"boolean":{"_0":"# + (b ? "true" : "false") + "}}"
            case .number(let d):
                guard d.isFinite else { return nil }
                out += #"{"number":{"_0":"# + "\(d)" + "}}"
            }
        }
        out += "}}"
        return out
    }

    /// `["a","b"]`.
    static func strings(_ list: [String]) -> String {
        var out = "["
        for (i, s) in list.enumerated() {
            if i > 0 { out += "," }
            appendString(s, to: &out)
        }
        out += "]"
        return out
    }

    private static func boxed(_ kind: String, _ text: String, into out: inout String) {
        out += #"{""# + kind + #"":{"_0":"#
        appendString(text, to: &out)
        out += "}}"
    }

    static func appendString(_ s: String, to out: inout String) { JSONValue.writeString(s, into: &out) }
}
