import ArgumentParser
import FluxAPI
import Foundation
import TaskStore

/// The app's task database for commands that read it (`result --curl`, `export`). Problems are
/// printed as one line and become exit codes.
enum StoredTasks {
    /// A message for stderr and the exit code that goes with it.
    struct Failure: Error {
        let message: String
        let code: ExitCode

        init(_ message: String, code: ExitCode = ExitCodes.invalidInput) {
            self.message = message
            self.code = code
        }
    }

    static var databaseFile: URL { AppPaths().databaseFile }

    /// The user's database if it exists: reading never creates it. Errors as the store threw them.
    static func existing() throws -> TaskStore? {
        guard FileManager.default.fileExists(atPath: databaseFile.path) else { return nil }
        return try TaskStore(path: databaseFile.path)
    }

    /// The store, or nil when there is no database yet (nothing has been submitted from the app).
    static func open() throws -> TaskStore? {
        do { return try existing() } catch {
            throw Failure("cannot read the task database \(databaseFile.path): \(error)", code: ExitCodes.failure)
        }
    }

    /// The batch whose id is `prefix`, else every batch whose id starts with it (people type the
    /// first characters); the caller words none and several.
    static func batches(matching prefix: String, in store: TaskStore) throws -> [BatchEntry] {
        if let exact = try store.batch(id: prefix) { return [exact] }
        return try store.batches(idPrefix: prefix)
    }

    /// The one task whose local or remote id is `text` or starts with it (an exact id wins).
    static func task(matching text: String) throws -> TaskEntry {
        let needle = text.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { throw Failure("the task id is empty") }
        guard let store = try open() else {
            throw Failure("no task database at \(databaseFile.path): --curl knows the tasks the app submitted")
        }
        let found: [TaskEntry]
        do { found = try store.tasks(idPrefix: needle) } catch {
            throw Failure("cannot read the task database \(databaseFile.path): \(error)", code: ExitCodes.failure)
        }
        if let exact = found.first(where: { $0.id == needle || $0.remoteID == needle }) { return exact }
        switch found.count {
        case 0: throw Failure("no task in \(databaseFile.path) has an id or remote id starting with '\(needle)'")
        case 1: return found[0]
        default:
            let listed = found.prefix(5).map { "\($0.id) (\($0.endpoint), remote \($0.remoteID ?? "none"))" }
            throw Failure("'\(needle)' matches \(found.count) tasks; type more of the id:\n  " + listed.joined(separator: "\n  ")
                          + (found.count > 5 ? "\n  …" : ""))
        }
    }

    /// The server a printed command talks to: --server, FLUX_SERVER_URL, the config file's
    /// `server`, else the public API (never the built-in simulator, which ends with the command).
    static func serverURL(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let config = try Settings.config()
        guard let text = options.server ?? environment["FLUX_SERVER_URL"].flatMap({ $0.isEmpty ? nil : $0 }) ?? config.server else {
            return ServerPolicy.publicAPI
        }
        return try ServerPolicy.parseServerURL(text)
    }
}
