import FluxAPI
import Foundation
import Testing
import TestSupport
@testable import TaskStore

/// `flux-tui export` and the palette's "Export tasks…": the three formats, quoting, links, and the
/// `--since` window.
@Suite struct ExportTests {
    static let created = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func tasks(folder: String = "/data/out") -> [TaskEntry] {
        [TaskEntry(id: "t1", remoteID: "r1", endpoint: "flux-dev",
                   parameters: TaskParameters(["prompt": .text("a fox, \"quoted\" | piped\nsecond line"), "guidance": .number(3.5),
                                               "image_prompt": .file("/in/a.png")]),
                   phase: .done, statusText: "Ready", seed: 42, cost: 2.5, createdAt: created, submittedAt: created.addingTimeInterval(1),
                   finishedAt: created.addingTimeInterval(13.5), outputs: ["\(folder)/fox 1.jpg", "\(folder)/fox 1.json"],
                   origin: TaskOrigin(batchID: "b1", batchIndex: 0, parentID: "t0")),
         TaskEntry(id: "t2", endpoint: "flux-pro-1.1", parameters: TaskParameters(["prompt": .text("plain")]), phase: .failed,
                   createdAt: created.addingTimeInterval(60), error: "the server reported an error")]
    }

    @Test func jsonLinesHoldEveryFactOfEveryTask() throws {
        let text = TaskExport.render(Self.tasks(), as: .jsonl)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2 && text.hasSuffix("\n"))
        let first = try JSONValue.parse(Data(lines[0].utf8))
        #expect(first["id"] == .string("t1") && first["remote_id"] == .string("r1") && first["status"] == .string("Ready"))
        #expect(first["seed"] == .int(42) && first["cost"] == .double(2.5) && first["seconds"] == .double(12.5))
        #expect(first["created"] == .string("2026-01-01T00:00:00Z") && first["finished"] == .string("2026-01-01T00:00:13Z"))
        #expect(first["parameters"]?["guidance"] == .double(3.5) && first["parameters"]?["image_prompt"] == .string("/in/a.png"))
        #expect(first["outputs"] == .array([.string("/data/out/fox 1.jpg"), .string("/data/out/fox 1.json")]))
        #expect(first["batch"] == .string("b1") && first["parent"] == .string("t0"))
        let second = try JSONValue.parse(Data(lines[1].utf8))
        #expect(second["seed"] == .null && second["error"] == .string("the server reported an error") && second["remote_id"] == .null)
    }

    @Test func csvQuotesCommasQuotesAndLineEnds() {
        #expect(TaskExport.csvField("plain") == "plain")
        #expect(TaskExport.csvField("a,b") == "\"a,b\"")
        #expect(TaskExport.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(TaskExport.csvField("two\nlines") == "\"two\nlines\"")
        let text = TaskExport.render(Self.tasks(), as: .csv)
        #expect(text.hasPrefix(TaskExport.columns.joined(separator: ",") + "\r\n"))
        #expect(text.contains("t1,r1,flux-dev,Ready,\"a fox, \"\"quoted\"\" | piped\nsecond line\",42,2.5,"))
        #expect(text.contains("t2,,flux-pro-1.1,failed,plain,,,"))
        // Records are CRLF-terminated; the line end inside the quoted prompt is kept as it is.
        #expect(text.components(separatedBy: "\r\n").count == 4)
    }

    @Test func markdownIsATableWithRelativeImageLinksAndEscapedPipes() {
        let text = TaskExport.render(Self.tasks(folder: "/data/out/2026-01-01"), as: .md, folder: URL(fileURLWithPath: "/data/out"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("| image | status | endpoint | prompt |"))
        #expect(lines[2].hasPrefix("| ![fox 1.jpg](2026-01-01/fox%201.jpg) | Ready | flux-dev | a fox, \"quoted\" \\| piped<br>second line | 42 |"))
        #expect(lines[3].hasPrefix("|  | failed | flux-pro-1.1 | plain |"))
        // Every row has as many cells as the header: no pipe leaked from the data.
        let cells = { (line: Substring) in line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count }
        #expect(lines.allSatisfy { cells($0) == cells(lines[0]) })
    }

    @Test func relativePathsGoUpWhenTheyMust() {
        let folder = URL(fileURLWithPath: "/home/me/notes")
        #expect(TaskExport.relativePath("/home/me/notes/img/a.png", from: folder) == "img/a.png")
        #expect(TaskExport.relativePath("/home/me/pics/a.png", from: folder) == "../pics/a.png")
        #expect(TaskExport.relativePath("/srv/a.png", from: folder) == "/srv/a.png")
        #expect(TaskExport.relativePath("/srv/a.png", from: nil) == "/srv/a.png")
    }

    @Test func sinceTakesAnAgeOrADateAndRefusesAnythingElse() throws {
        let now = Self.created
        #expect(try ExportSince.parse("7d", now: now) == now.addingTimeInterval(-7 * 86_400))
        #expect(try ExportSince.parse("90m", now: now) == now.addingTimeInterval(-5_400))
        #expect(try ExportSince.parse("2w", now: now) == now.addingTimeInterval(-14 * 86_400))
        #expect(try ExportSince.parse("2025-12-31", now: now) == now.addingTimeInterval(-86_400))
        for bad in ["", "7", "d", "-3d", "7y", "2026-13-01", "2026-02-30", "yesterday"] {
            #expect(throws: ExportSince.Invalid.self, "\(bad)") { try ExportSince.parse(bad, now: now) }
        }
        #expect("\(ExportSince.Invalid(text: "7y"))".contains("--since '7y' is neither an age"))
    }

    @Test func theFilterKeepsTheWindowEndpointAndBatch() {
        let tasks = Self.tasks()
        #expect(tasks.filter(ExportFilter(since: Self.created.addingTimeInterval(30)).includes).map(\.id) == ["t2"])
        #expect(tasks.filter(ExportFilter(endpoint: "flux-dev").includes).map(\.id) == ["t1"])
        #expect(tasks.filter(ExportFilter(batchID: "b1").includes).map(\.id) == ["t1"])
        #expect(tasks.filter(ExportFilter().includes).count == 2)
    }

    @Test func aFileIsWrittenOldestFirstUnderADatedName() throws {
        let dir = Fixtures.temporaryDirectory("export")
        defer { Fixtures.cleanup(dir) }
        #expect(TaskExportFile.defaultName(.md, now: Self.created.addingTimeInterval(3_723)) == "flux-tui-tasks-20260101-010203.md")
        let written = try TaskExportFile.write(Self.tasks().reversed(), as: .jsonl, into: dir.appendingPathComponent("new"), now: Self.created)
        #expect(written.count == 2)
        let text = try String(contentsOfFile: written.path, encoding: .utf8)
        #expect(text.hasPrefix("{") && text.range(of: "\"t1\"")!.lowerBound < text.range(of: "\"t2\"")!.lowerBound)
        #expect(throws: TaskExportFile.WriteError.self) {
            try TaskExportFile.write([], as: .csv, to: URL(fileURLWithPath: "/proc/nope/x.csv"))
        }
    }
}
