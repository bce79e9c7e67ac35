/// Reads JSON text (RFC 8259) into a `JSONValue`, byte by byte.
///
/// Hand-written rather than `JSONDecoder`: the task database parses two JSON columns of every
/// row at start, and with 10,000 tasks `JSONDecoder` took most of a second; this takes a few µs a
/// row. Everything else that parses JSON (answers, request bodies in the simulator) goes through
/// it too, so the package has one JSON reader.
struct JSONParser {
    /// As deep as `JSONDecoder` goes; deeper text is refused, not a stack overflow.
    static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The one value the text holds, with blanks around it allowed (and a UTF-8 byte order mark).
    static func parse(_ raw: UnsafeRawBufferPointer) throws(JSONValueError) -> JSONValue {
        var parser = JSONParser(raw.bindMemory(to: UInt8.self))
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.at = 3 }
        parser.skipBlanks()
        guard parser.at < parser.bytes.count else { throw .malformed("no JSON value (empty text)") }
        let value = try parser.value()
        parser.skipBlanks()
        guard parser.at == parser.bytes.count else { throw parser.failure("text after the JSON value") }
        return value
    }

    // MARK: values

    private mutating func value() throws(JSONValueError) -> JSONValue {
        guard at < bytes.count else { throw .malformed("the text ends where a value was expected") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected \(describeByte(at))")
        }
    }

    private mutating func object() throws(JSONValueError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        at += 1
        var members: [String: JSONValue] = [:]
        skipBlanks()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
        while true {
            skipBlanks()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
            let key = try string()
            skipBlanks()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            at += 1
            skipBlanks()
            members[key] = try value()
            skipBlanks()
            guard at < bytes.count else { throw .malformed("the text ends inside an object") }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            throw failure("expected ',' or '}' in an object")
        }
    }

    private mutating func array() throws(JSONValueError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        at += 1
        var items: [JSONValue] = []
        skipBlanks()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
        while true {
            skipBlanks()
            items.append(try value())
            skipBlanks()
            guard at < bytes.count else { throw .malformed("the text ends inside an array") }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            throw failure("expected ',' or ']' in an array")
        }
    }

    private mutating func enter() throws(JSONValueError) {
        depth += 1
        if depth > Self.maxDepth { throw failure("nested deeper than \(Self.maxDepth) levels") }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONValueError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count, (0..<count).allSatisfy({ bytes[at + $0] == word.utf8Start[$0] }) else {
            throw failure("unexpected \(describeByte(at))")
        }
        at += count
        return value
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`: an integer that fits an `Int` as `.int`,
    /// anything else as `.double`.
    private mutating func number() throws(JSONValueError) -> JSONValue {
        let start = at
        let negative = bytes[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        let integerStart = at
        // Accumulated negatively so that Int.min fits.
        var magnitude = 0
        var fits = true
        while at < bytes.count, let digit = Self.digit(bytes[at]) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(digit)
            if overflow1 || overflow2 { fits = false } else { magnitude = next }
            at += 1
        }
        let integerDigits = at - integerStart
        guard integerDigits > 0 else { throw failure("a number needs digits") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { throw failure("a number may not start with 0") }
        var isInteger = true
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            isInteger = false
            at += 1
            guard skipDigits() > 0 else { throw failure("a number needs digits after '.'") }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            isInteger = false
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard skipDigits() > 0 else { throw failure("a number needs digits in its exponent") }
        }
        if isInteger && fits {
            if negative { return .int(magnitude) }
            if magnitude != Int.min { return .int(-magnitude) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else { throw .malformed("the number \(text) is too large") }
        return .double(double)
    }

    private mutating func skipDigits() -> Int {
        let start = at
        while at < bytes.count, Self.digit(bytes[at]) != nil { at += 1 }
        return at - start
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    // MARK: strings

    private mutating func string() throws(JSONValueError) -> String {
        let opening = at
        at += 1
        let start = at
        // Most strings have no escape: validated and copied in one go.
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
        guard at < bytes.count else { throw Self.unterminated(opening) }
        if bytes[at] == UInt8(ascii: "\"") {
            defer { at += 1 }
            return try Self.text(UnsafeBufferPointer(rebasing: bytes[start..<at]), at: start)
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                at += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw Self.failure("a string that is not valid UTF-8", at: start) }
                return text
            }
            if byte < 0x20 { throw failure("a control character must be escaped in a string") }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                at += 1
                continue
            }
            guard at + 1 < bytes.count else { throw Self.unterminated(opening) }
            let escape = bytes[at + 1]
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                at += 2
                out.append(contentsOf: String(Character(try unicodeEscape())).utf8)
                continue
            default: throw failure("unknown escape \\\(Unicode.Scalar(escape).escaped(asASCII: true))")
            }
            at += 2
        }
        throw Self.unterminated(opening)
    }

    /// The scalar of `XXXX` (just after `\u`), joining a surrogate pair written as two escapes.
    private mutating func unicodeEscape() throws(JSONValueError) -> Unicode.Scalar {
        let escapeStart = at - 2
        var value = try hex4()
        if (0xD800..<0xDC00).contains(value) {
            guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                throw Self.failure("a lone surrogate \\u\(String(value, radix: 16))", at: escapeStart)
            }
            at += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw Self.failure("a lone surrogate \\u\(String(value, radix: 16))", at: escapeStart) }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { throw Self.failure("a lone surrogate \\u\(String(value, radix: 16))", at: escapeStart) }
        return scalar
    }

    private mutating func hex4() throws(JSONValueError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw failure("\\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[at]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw failure("\\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }

    private static func text(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONValueError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("a string that is not valid UTF-8", at: offset) }
        return text
    }

    // MARK: helpers

    private mutating func skipBlanks() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    private func describeByte(_ offset: Int) -> String {
        let byte = bytes[offset]
        return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func failure(_ what: String) -> JSONValueError { Self.failure(what, at: at) }

    private static func failure(_ what: String, at offset: Int) -> JSONValueError {
        .malformed("\(what) at byte \(offset)")
    }

    private static func unterminated(_ opening: Int) -> JSONValueError {
        failure("a string that is never closed", at: opening)
    }
}
