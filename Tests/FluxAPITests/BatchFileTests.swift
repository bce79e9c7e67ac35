import FluxAPI
import Foundation
import Testing
import TestSupport

/// `flux-tui batch FILE.jsonl`: every line is read and checked before anything is sent, and every
/// problem names its line.
@Suite struct BatchFileTests {
    func parse(_ lines: [String], directory: URL = URL(fileURLWithPath: "/")) -> Result<[BatchFile.Entry], BatchFile.Invalid> {
        Result { () throws(BatchFile.Invalid) in try BatchFile.parse(Data(lines.joined(separator: "\n").utf8), directory: directory) }
    }

    @Test func linesBecomeTypedRequestsWithImagesFromTheFilesFolder() throws {
        let dir = Fixtures.temporaryDirectory("batch-file")
        defer { Fixtures.cleanup(dir) }
        _ = Fixtures.write(Fixtures.png(width: 64, height: 64), "in.png", in: dir)
        let entries = try parse([
            #"{"endpoint": "flux-dev", "params": {"prompt": "a fox", "seed": 3, "guidance": 2.5}}"#,
            "",
            #"{"endpoint": "flux-pro-1.0-fill", "params": {"image": "@in.png", "prompt": "x"}}"#,
            #"{"endpoint": "flux-dev", "params": {"prompt": "a cat", "seed": 4, "image_prompt": "https://e.com/i.png"}}"#,
        ], directory: dir).get()
        #expect(entries.map(\.line) == [1, 3, 4])
        #expect(entries[0].request.endpoint.id == "flux-dev")
        #expect(entries[0].request.parameters["seed"] == .integer(3))
        #expect(entries[0].request.parameters["guidance"] == .number(2.5))
        #expect(entries[1].request.parameters["image"] == .file(dir.appendingPathComponent("in.png").standardizedFileURL.path))
        #expect(entries[2].request.parameters["image_prompt"] == .url("https://e.com/i.png"))
        // What tells the tasks apart: fields whose values differ between lines.
        let devOnly = [entries[0].request, entries[2].request]
        #expect(BatchFile.variedFields(devOnly) == ["guidance", "image_prompt", "prompt", "seed"])
    }

    @Test func everyBadLineIsListedWithItsNumber() throws {
        let problems = try #require(parse([
            #"{"endpoint": "flux-dev", "params": {"prompt": "fine"}}"#,
            #"{"endpoint": "flux-dev", "params": {"width": 1000, "steps": 99}}"#,
            #"not json"#,
            #"{"endpoint": "flux-deev", "params": {}}"#,
            #"{"endpoint": "flux-dev", "params": {"seed": "3", "prompt": "x"}, "extra": 1}"#,
            #"{"endpoint": "flux-pro-1.0-fill", "params": {"image": "@missing.png", "prompt": "x"}}"#,
            #"[1, 2]"#,
            #"{"params": {}}"#,
            #"{"endpoint": "flux-dev", "params": {"bogus": 1, "prompt": "x"}}"#,
        ]).failure).problems
        let text = problems.map(\.description)
        for needle in ["line 2: width: must be a multiple of 32", "line 2: steps: must be at most 50", "line 3: malformed JSON",
                       "line 4: unknown endpoint 'flux-deev'", "line 5: unknown key 'extra'", "line 5: seed: expects an integer, got a string",
                       "line 6: image: no file at /missing.png", "line 7: expected an object", "line 8: \"endpoint\" is missing",
                       "line 9: bogus: is not a field of flux-dev"] {
            #expect(text.contains { $0.hasPrefix(needle) || $0.contains(needle) }, "missing '\(needle)' in \(text)")
        }
        #expect(!problems.contains { $0.line == 1 })
    }

    @Test func anEmptyOrOversizedFileIsRefused() throws {
        #expect(try #require(parse(["", "  "]).failure).problems.map(\.description) == ["the file has no tasks (one JSON object a line)"])
        let line = #"{"endpoint": "flux-dev", "params": {"prompt": "x"}}"#
        let many = try #require(parse(Array(repeating: line, count: 10_001)).failure).problems
        #expect(many.map(\.description) == ["10001 tasks is more than the 10000 tasks a batch may have"])
        #expect(try #require(Result { () throws(BatchFile.Invalid) in try BatchFile.parse(Data([0xFF, 0xFE]), directory: URL(fileURLWithPath: "/")) }
            .failure).problems.first?.description == "the file is not UTF-8 text")
    }
}
