import Testing

@testable import FluxAPI

/// Sidecars are written with `pretty()`: its layout is what people (and scripts) read.
@Suite struct JSONPrettyTests {
    @Test func indentsNestedValuesWithSortedKeys() {
        let value = JSONValue.object([
            "b": .array([.int(1), .object(["y": .null, "x": .string("q\"uote")]), .array([])]),
            "a": .object([:]),
            "c": .double(0.5),
        ])
        #expect(value.pretty() == """
            {
              "a": {},
              "b": [
                1,
                {
                  "x": "q\\"uote",
                  "y": null
                },
                []
              ],
              "c": 0.5
            }
            """)
        #expect(JSONValue.string("plain").pretty() == "\"plain\"")
        #expect(JSONValue.array([.bool(true)]).pretty(indent: 1) == "[\n    true\n  ]")
    }
}
