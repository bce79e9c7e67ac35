import ArgumentParser
import ContactSheets
import FluxAPI
import Foundation
import ImageCodec
import TaskStore

/// `flux-tui sheet BATCH_ID -o sheet.png`: a batch's contact sheet as one PNG, for sharing; the
/// same grid and labels as the app's `g` screen.
struct SheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet", abstract: "Write a batch's contact sheet (its images in a labelled grid) as one PNG.",
        discussion: """
            The batch id may be shortened to any unique start (the app's contact sheet, g on a batch's task, shows it). \
            Two swept fields make rows and columns headed by their values; otherwise each cell is labelled. \
            Exit codes: 0 written, 1 nothing to draw or the file could not be written, 2 invalid input.
            """)

    @Argument(help: ArgumentHelp("The batch's id, or a unique start of it.", valueName: "batch-id")) var batchID: String
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The PNG to write (default: sheet-<batch>.png here).", valueName: "file"))
    var output: String?
    @Option(help: ArgumentHelp("The side of each thumbnail in pixels (32 to 1024).", valueName: "pixels")) var cell = 256

    func run() throws {
        let prefix = batchID.trimmingCharacters(in: .whitespaces)
        guard !prefix.isEmpty else { fail("give a batch id (or the start of one)", ExitCodes.invalidInput) }
        guard (32...1024).contains(cell) else { fail("--cell must be 32 to 1024 pixels, got \(cell)", ExitCodes.invalidInput) }
        let database = StoredTasks.databaseFile.path
        let opened: TaskStore?
        do { opened = try StoredTasks.existing() } catch {
            fail("cannot open the task database at \(database): \(error)", ExitCodes.failure)
        }
        guard let store = opened else {
            fail("no batch '\(prefix)': there is no task database at \(database) yet", ExitCodes.invalidInput)
        }
        let batch = try find(prefix, in: store)
        let path = URL(fileURLWithPath: ValueParser.expandPath(output ?? "sheet-\(batch.id.prefix(8)).png")).standardizedFileURL.path
        try checkWritable(path)

        let tasks: [TaskEntry]
        do { tasks = try store.tasks(inBatch: batch.id) } catch { fail("cannot read the tasks of batch \(batch.id): \(error)", ExitCodes.failure) }
        let sheet = ContactSheet(batchID: batch.id, batch: batch, tasks: tasks)
        guard sheet.finishedCount > 0 else {
            fail("batch \(batch.id.prefix(8)) (\(batch.title)) has no finished images yet: \(Self.summary(sheet))", ExitCodes.failure)
        }
        let picture = SheetPicture(sheet, cell: cell)
        var unreadable = 0
        let image: RGBAImage
        do {
            image = try picture.render { index in
                let thumbnail = Self.thumbnail(sheet.cells[index].image ?? "", side: cell)
                if case .unavailable = thumbnail { unreadable += 1 }
                return thumbnail
            }
        } catch { fail("\(error)", ExitCodes.invalidInput) }
        do {
            let bytes = try PNGCodec.encode(image)
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            fail("cannot write \(path): \((error as NSError).localizedDescription)", ExitCodes.failure)
        }
        var line = "Wrote \(path): \(picture.columns)x\(picture.rows) cells, \(image.width)x\(image.height) pixels, "
            + "\(sheet.finishedCount - unreadable) of \(sheet.cells.count) images"
        if sheet.finishedCount < sheet.cells.count || unreadable > 0 {
            line += " (\(Self.summary(sheet, unreadable: unreadable)))"
        }
        Console.out(line)
    }

    /// The one batch `prefix` names, or a message saying why there is none.
    func find(_ prefix: String, in store: TaskStore) throws -> BatchEntry {
        do {
            let matches = try StoredTasks.batches(matching: prefix, in: store)
            if matches.count == 1 { return matches[0] }
            if matches.isEmpty {
                let known = try store.batches()
                let hint = known.isEmpty ? "there are no batches yet (make one with `flux-tui submit ENDPOINT --sweep FIELD=VALUES`)"
                    : "the newest: " + known.prefix(3).map { "\($0.id.prefix(8)) (\($0.title))" }.joined(separator: ", ")
                fail("no batch has an id starting with '\(prefix)'; \(hint)", ExitCodes.invalidInput)
            }
            let listed = matches.prefix(5).map { "\($0.id) (\($0.title))" }.joined(separator: ", ")
            fail("'\(prefix)' is the start of \(matches.count) batch ids: \(listed)\(matches.count > 5 ? ", …" : ""); give more characters",
                 ExitCodes.invalidInput)
        } catch let error as TaskStoreError {
            fail("cannot read the batches: \(error)", ExitCodes.failure)
        }
    }

    /// Refuses an output path that cannot be written before any image is decoded.
    func checkWritable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            fail("cannot write the sheet to \(path): it is a folder; name a .png file", ExitCodes.invalidInput)
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            fail("cannot write the sheet to \(path): there is no folder \(folder)", ExitCodes.invalidInput)
        }
        guard access(folder, W_OK) == 0 else {
            fail("cannot write the sheet to \(path): the folder \(folder) is not writable", ExitCodes.invalidInput)
        }
        if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 {
            fail("cannot write the sheet to \(path): the file is not writable", ExitCodes.invalidInput)
        }
    }

    /// A cell's image, decoded and shrunk to the cell at once (a 1,000-image sheet never holds
    /// more than one full-size picture).
    static func thumbnail(_ path: String, side: Int) -> SheetPicture.Thumbnail {
        guard let data = FileManager.default.contents(atPath: path) else { return .unavailable("file missing") }
        guard let image = try? ImageDecoder.decode([UInt8](data)), image.width > 0, image.height > 0 else {
            return .unavailable("unreadable image")
        }
        let ratio = min(1, min(Double(side) / Double(image.width), Double(side) / Double(image.height)))
        guard ratio < 1 else { return .image(image) }
        return .image(ImageScaler.scale(image, toWidth: max(1, Int((Double(image.width) * ratio).rounded())),
                                        height: max(1, Int((Double(image.height) * ratio).rounded()))))
    }

    /// "2 queued, 1 failed".
    static func summary(_ sheet: ContactSheet, unreadable: Int = 0) -> String {
        var counts: [(String, Int)] = []
        for cell in sheet.cells {
            guard let why = cell.placeholder.map({ $0.hasPrefix("running") ? "running" : $0 }) else { continue }
            if let i = counts.firstIndex(where: { $0.0 == why }) { counts[i].1 += 1 } else { counts.append((why, 1)) }
        }
        if unreadable > 0 { counts.append(("unreadable", unreadable)) }
        return counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
    }

    func fail(_ message: String, _ code: ExitCode) -> Never {
        Console.error("flux-tui sheet: \(message)")
        Foundation.exit(code.rawValue)
    }
}
