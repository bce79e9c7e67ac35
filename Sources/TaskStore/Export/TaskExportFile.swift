import Foundation

/// Writing an export: oldest task first, atomically (a reader never sees half a file), with
/// errors that name the file.
public enum TaskExportFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// The file name the app uses in the output folder: `flux-tui-tasks-20261205-061500.md`.
    public static func defaultName(_ format: ExportFormat, now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        func two(_ n: Int?) -> String { (n ?? 0) < 10 ? "0\(n ?? 0)" : "\(n ?? 0)" }
        return "flux-tui-tasks-\(c.year ?? 0)\(two(c.month))\(two(c.day))-\(two(c.hour))\(two(c.minute))\(two(c.second)).\(format.fileExtension)"
    }

    /// Writes `tasks` (in any order) to `file`; returns how many.
    @discardableResult
    public static func write(_ tasks: [TaskEntry], as format: ExportFormat, to file: URL) throws -> Int {
        let ordered = tasks.sorted { $0.createdAt < $1.createdAt }
        let text = TaskExport.render(ordered, as: format, folder: file.deletingLastPathComponent())
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file, options: .atomic)
        } catch {
            throw WriteError(path: file.path, reason: (error as NSError).localizedDescription)
        }
        return ordered.count
    }

    /// Writes into `folder` under `defaultName`; returns the count and the path.
    public static func write(_ tasks: [TaskEntry], as format: ExportFormat, into folder: URL, now: Date) throws -> (count: Int, path: String) {
        let file = folder.appendingPathComponent(defaultName(format, now: now))
        return (try write(tasks, as: format, to: file), file.path)
    }
}
