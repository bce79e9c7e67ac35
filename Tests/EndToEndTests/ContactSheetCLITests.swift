import ContactSheets
import FluxAPI
import Foundation
import ImageCodec
import TaskStore
import Testing
import TestSupport

/// Batches written straight into a task database, with real PNG outputs: what `flux-tui submit
/// --sweep` leaves behind, for the sheet's command and the app's `g`.
enum SheetFixtures {
    static let red = RGBAImage.Pixel(r: 230, g: 30, b: 30)

    /// `id`: a 2 seed x 2 guidance batch in the database under `home` (the layout `AppPaths` reads);
    /// `phases` gives each task's phase (done ones get a 48x32 red PNG).
    @discardableResult
    static func batch(_ id: String, home: URL, phases: [TaskPhase] = [.done, .done, .done, .failed],
                      createdAt: Date = Date()) throws -> (BatchEntry, [TaskEntry]) {
        let data = home.appendingPathComponent("data/flux-tui")
        let outputs = home.appendingPathComponent("outputs")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        let store = try TaskStore(path: data.appendingPathComponent("tasks.sqlite").path)
        let png = try PNGCodec.encode(RGBAImage(width: 48, height: 32, fill: red))
        var tasks: [TaskEntry] = []
        for seed in [7, 8] {
            for guidance in [2.0, 3.5] {
                let i = tasks.count
                let phase = phases[i % phases.count]
                var outputsOfTask: [String] = []
                if phase == .done {
                    let path = outputs.appendingPathComponent("\(id)-\(i).png").path
                    try Data(png).write(to: URL(fileURLWithPath: path))
                    outputsOfTask = [path]
                }
                tasks.append(TaskEntry(id: "\(id)-task-\(i)", remoteID: "r-\(id)-\(i)", endpoint: "flux-dev",
                                       parameters: TaskParameters(["prompt": .text("a red square"), "guidance": .number(guidance)]),
                                       phase: phase, statusText: phase == .done ? "Ready" : nil, seed: seed,
                                       createdAt: createdAt.addingTimeInterval(Double(i) / 1000),
                                       error: phase == .failed ? "the server reported an error" : nil, outputs: outputsOfTask,
                                       origin: TaskOrigin(batchID: id, batchIndex: i)))
            }
        }
        let batch = BatchEntry(id: id, endpoint: "flux-dev", title: "flux-dev: 2 seed x 2 guidance", variedFields: ["seed", "guidance"],
                               taskCount: tasks.count, createdAt: createdAt)
        try store.save(batch, tasks: tasks)
        return (batch, tasks)
    }
}

/// `flux-tui sheet` end to end: a real task database, real images, the PNG read back.
@Suite(.serialized) struct ContactSheetCLITests {
    let home = Fixtures.temporaryDirectory("flux-sheet")

    func run(_ args: [String]) async throws -> ProcessRunner.Output {
        let output = try await ProcessRunner.run("flux-tui", args, environment: ProcessRunner.environment(home: home), timeout: 90)
        #expect(!output.timedOut, "flux-tui \(args) timed out")
        return output
    }

    @Test func writesTheGridAsOnePNGWithHeadersAndPlaceholders() async throws {
        defer { Fixtures.cleanup(home) }
        let (batch, tasks) = try SheetFixtures.batch("5eed5a11-0000-4000-8000-000000000001", home: home)
        let file = home.appendingPathComponent("sheet.png").path
        let out = try await run(["sheet", "5eed5a", "-o", file, "--cell", "64"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Wrote \(file): 2x2 cells"))
        #expect(out.stdout.contains("3 of 4 images (1 failed)"))
        let image = try PNGCodec.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
        let picture = SheetPicture(ContactSheet(batchID: batch.id, batch: batch, tasks: tasks), cell: 64)
        #expect(image.width == picture.width && image.height == picture.height)
        // Cell 0 holds the red picture (48x32 scaled to the cell's width, centred).
        let (x0, y0) = picture.origin(ofCell: 0)
        #expect(image[x0 + 32, y0 + 32] == SheetFixtures.red)
        #expect(image[x0 + 32, y0 + 1] == SheetPicture.background)
        // Cell 3 failed: a grey box with its reason, no red.
        let (x3, y3) = picture.origin(ofCell: 3)
        #expect(image[x3 + 1, y3 + 1] == SheetPicture.placeholder)
        var muted = 0, red = 0
        for y in y3..<(y3 + 64) { for x in x3..<(x3 + 64) { if image[x, y] == SheetPicture.muted { muted += 1 }; if image[x, y] == SheetFixtures.red { red += 1 } } }
        #expect(muted > 10 && red == 0)
        // The column header ("2", "3.5") is drawn above the first row, the row header ("7") left of it.
        var header = 0, rowHeader = 0
        for y in (y0 - BitmapFont.lineHeight)..<y0 { for x in x0..<(x0 + 64) where image[x, y] == SheetPicture.text { header += 1 } }
        for y in y0..<(y0 + 64) { for x in 0..<x0 where image[x, y] == SheetPicture.text { rowHeader += 1 } }
        #expect(header > 5 && rowHeader > 5)
    }

    @Test func badInputIsRefusedWithItsReason() async throws {
        defer { Fixtures.cleanup(home) }
        let none = try await run(["sheet", "abc"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("there is no task database at"))
        try SheetFixtures.batch("aa11aa11-0000-4000-8000-000000000001", home: home)
        try SheetFixtures.batch("aa22aa22-0000-4000-8000-000000000002", home: home)
        try SheetFixtures.batch("cc33cc33-0000-4000-8000-000000000003", home: home, phases: [.queued, .failed, .moderated, .queued])
        let ambiguous = try await run(["sheet", "aa"])
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.contains("'aa' is the start of 2 batch ids"))
        #expect(ambiguous.stderr.contains("aa11aa11-0000-4000-8000-000000000001 (flux-dev: 2 seed x 2 guidance)"))
        let unknown = try await run(["sheet", "zz"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no batch has an id starting with 'zz'"))
        let unfinished = try await run(["sheet", "cc33", "-o", home.appendingPathComponent("x.png").path])
        #expect(unfinished.status == 1)
        #expect(unfinished.stderr.contains("has no finished images yet: 2 queued, 1 failed, 1 moderated"))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("x.png").path))
        let noFolder = try await run(["sheet", "aa11", "-o", "/nonexistent-folder/sheet.png"])
        #expect(noFolder.status == 2)
        #expect(noFolder.stderr.contains("there is no folder /nonexistent-folder"))
        let folder = try await run(["sheet", "aa11", "-o", home.path])
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("it is a folder"))
        let cell = try await run(["sheet", "aa11", "--cell", "8"])
        #expect(cell.status == 2)
        #expect(cell.stderr.contains("--cell must be 32 to 1024 pixels, got 8"))
    }
}
