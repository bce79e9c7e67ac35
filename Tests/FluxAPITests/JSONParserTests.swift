import Foundation
import Testing
import TestSupport
@testable import FluxAPI

/// `JSONValue.parse` is the package's one JSON reader (answers, simulator bodies, the task
/// database). It must read every valid text exactly and refuse every invalid one with a reason.
@Suite struct JSONParserTests {
    @Test func everyKindOfValue() throws {
        let text = #" { "a" : [1, -2, 3.5, -0.25, 1e3, 2E-2, true, false, null], "b": {"c": "d", "": {}}, "e": [] } "#
        #expect(try JSONValue.parse(text) == .object([
            "a": .array([.int(1), .int(-2), .double(3.5), .double(-0.25), .double(1000), .double(0.02), .bool(true), .bool(false), .null]),
            "b": .object(["c": .string("d"), "": .object([:])]),
            "e": .array([]),
        ]))
    }

    @Test func integersKeepTheirRangeAndLargerOnesBecomeNumbers() throws {
        #expect(try JSONValue.parse(String(Int.max)) == .int(Int.max))
        #expect(try JSONValue.parse(String(Int.min)) == .int(Int.min))
        #expect(try JSONValue.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue.parse("-0") == .int(0))
        #expect(try JSONValue.parse("2.0") == .double(2))
    }

    @Test func escapesAndUnicode() throws {
        #expect(try JSONValue.parse(#""q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83c\udfdd Größe""#)
                == .string("q\" b\\ s/ \u{08}\u{0C}\n\r\t é 🏝 Größe"))
        // A UTF-8 byte order mark is skipped.
        #expect(try JSONValue.parse(Data([0xEF, 0xBB, 0xBF]) + Data("[1]".utf8)) == .array([.int(1)]))
    }

    /// Random documents written by `serialized()` read back equal.
    @Test func writtenValuesReadBackEqual() throws {
        var rng = SeededRandom(seed: 14)
        let alphabet = Array("ab \"\\/\n\t✓日🏝️é\u{01}\u{1F}{}[]:,0.-e")
        func text() -> String { String((0..<Int.random(in: 0...10, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0...(depth > 3 ? 5 : 7), using: &rng) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &rng))
            case 2: return .int(Int.random(in: Int.min...Int.max, using: &rng))
            case 3: return .double(Double.random(in: -1e9...1e9, using: &rng))
            case 4: return .double(Double(Int.random(in: -1000...1000, using: &rng)) / 8)
            case 5: return .string(text())
            case 6: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<Int.random(in: 0...4, using: &rng) { members[text()] = value(depth + 1) }
                return .object(members)
            }
        }
        for _ in 0..<500 {
            let original = value(0)
            #expect(try JSONValue.parse(original.serialized()) == original, "\(original.serialized())")
            #expect(try JSONValue.parse(original.pretty()) == original)
        }
    }

    @Test(arguments: [
        ("", "empty"), ("   ", "empty"), ("[1,]", "unexpected ']'"), ("{\"a\" 1}", "expected ':'"), ("{a:1}", "member name"),
        ("[1 2]", "expected ',' or ']'"), ("01", "may not start with 0"), ("-", "needs digits"), ("1.", "digits after '.'"),
        ("1e", "exponent"), ("\"abc", "never closed"), ("\"a\u{01}b\"", "control character"), (#""\x""#, "unknown escape"),
        (#""\u12G4""#, "four hex digits"), (#""\ud83c x""#, "lone surrogate"), (#""\udfdd""#, "lone surrogate"),
        ("tru", "unexpected 't'"), ("nul", "unexpected 'n'"), ("[1] x", "text after the JSON value"), ("1e999", "too large"),
    ])
    func invalidTextIsRefusedWithAReason(_ text: String, _ reason: String) {
        let error = #expect(throws: JSONValueError.self) { try JSONValue.parse(text) }
        #expect(error?.description.contains(reason) == true, "\(text): \(error.map { "\($0)" } ?? "no error")")
    }

    @Test func invalidUTF8AndDeepNestingAreRefusedNotCrashes() throws {
        #expect(throws: JSONValueError.self) { try JSONValue.parse(Data([0x22, 0xC3, 0x28, 0x22])) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: JSONValueError.self) { try JSONValue.parse(deep) }
        #expect(error?.description.contains("nested deeper than 512 levels") == true)
        #expect(try JSONValue.parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)) != .null)
    }
}
