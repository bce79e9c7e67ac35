import FluxAPI
import Foundation
import TerminalKit
import TOMLKit

/// Settings from `$XDG_CONFIG_HOME/flux-tui/config.toml`. Command-line options win over the
/// environment, which wins over this file.
///
/// ```toml
/// api_key = "…"                              # BFL_API_KEY wins when set
/// server = "https://api.eu.bfl.ai"
/// output = "~/Pictures/flux"
/// name_pattern = "{endpoint}-{date}-{short_id}"
/// theme = "light"
/// max_active = 20                            # tasks in flight at once (the API allows 24)
/// mouse = false                              # clicks and the wheel off (--no-mouse)
/// notify = "auto"                            # auto | osc9 | osc777 | bell | off
/// notify_after = 30                          # seconds a task must have run to be announced
/// spec = "~/bfl-openapi.json"                # endpoints from a newer OpenAPI document (--spec)
/// daily_budget = 500                         # credits a local day's tasks may cost (FLUX_DAILY_BUDGET, --budget)
/// confirm_above = 20                         # ask before a task estimated above this (FLUX_CONFIRM_ABOVE)
/// confirm_tasks_above = 20                   # a form's sweep of more tasks asks before sending
///
/// [keys]                                     # rebind actions (`flux-tui keys` lists them)
/// quit = "Q"
/// rerun = ["r", "F5"]
/// ```
public struct AppConfig: Sendable, Equatable {
    public var apiKey: APIKey?
    public var server: String?
    public var output: String?
    public var namePattern: String?
    public var theme: String?
    public var maxActive: Int?
    public var mouse: Bool?
    /// nil: "auto" (detected from the terminal's variables).
    public var notify: NotificationStyle?
    public var notifyAfter: Double?
    /// An OpenAPI document (file or URL) to build the endpoint registry from at start-up.
    public var spec: String?
    /// Credits a local day's tasks may cost together (`daily_budget`).
    public var dailyBudget: Double?
    /// Credits above which a task is submitted only once confirmed (`confirm_above`).
    public var confirmAbove: Double?
    /// Batches with more tasks than this ask for confirmation in the app (default 20).
    public var confirmTasksAbove: Int?
    /// The `[keys]` table, checked against every action.
    public var keyBindings = KeyBindings()

    public init() {}

    public static let keys = ["api_key", "server", "output", "name_pattern", "theme", "max_active", "mouse", "notify", "notify_after",
                              "spec", "daily_budget", "confirm_above", "keys", "confirm_tasks_above"]

    public struct LoadError: Error, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { message }
    }

    /// Reads the file if it exists. Returns the settings and warnings for the user (a key in a
    /// file others can read).
    public static func load(from url: URL) throws(LoadError) -> (AppConfig, [String]) {
        guard FileManager.default.fileExists(atPath: url.path) else { return (AppConfig(), []) }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw LoadError(message: "cannot read \(url.path): \((error as NSError).localizedDescription)")
        }
        let config = try parse(text, file: url.path)
        var warnings: [String] = []
        if config.apiKey != nil, let mode = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? NSNumber,
           mode.intValue & 0o077 != 0 {
            warnings.append("\(url.path) holds an API key and is readable by others (mode \(String(mode.intValue, radix: 8))); "
                            + "run: chmod 600 \(url.path)")
        }
        return (config, warnings)
    }

    public static func parse(_ text: String, file: String) throws(LoadError) -> AppConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw LoadError(message: "\(file):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw LoadError(message: "\(file): \(error)")
        }
        var config = AppConfig()
        for key in table.keys.sorted() where !keys.contains(key) {
            throw LoadError(message: "\(file): unknown setting '\(key)' (known: \(keys.joined(separator: ", ")))")
        }
        func string(_ key: String) throws(LoadError) -> String? {
            guard let value = table[key] else { return nil }
            guard let s = value.string else { throw LoadError(message: "\(file): '\(key)' must be a string") }
            return s
        }
        config.apiKey = APIKey(try string("api_key"))
        config.server = try string("server")
        config.output = try string("output")
        config.namePattern = try string("name_pattern")
        config.theme = try string("theme")
        config.spec = try string("spec")
        if let value = table["max_active"] {
            guard let n = value.int, (1...24).contains(n) else { throw LoadError(message: "\(file): 'max_active' must be a whole number from 1 to 24") }
            config.maxActive = n
        }
        if let value = table["confirm_tasks_above"] {
            guard let n = value.int, n >= 0 else {
                throw LoadError(message: "\(file): 'confirm_tasks_above' must be a whole number of tasks, 0 or more")
            }
            config.confirmTasksAbove = n
        }
        if let value = table["mouse"] {
            guard let b = value.bool else { throw LoadError(message: "\(file): 'mouse' must be true or false") }
            config.mouse = b
        }
        if let value = table["notify"] {
            let choices = ["auto"] + NotificationStyle.allCases.map(\.rawValue)
            guard let name = value.string, choices.contains(name) else {
                throw LoadError(message: "\(file): 'notify' must be one of \(choices.joined(separator: ", "))")
            }
            config.notify = NotificationStyle(rawValue: name)
        }
        if let value = table["notify_after"] {
            guard let seconds = value.double ?? value.int.map(Double.init), seconds >= 0, seconds.isFinite else {
                throw LoadError(message: "\(file): 'notify_after' must be a number of seconds, 0 or more")
            }
            config.notifyAfter = seconds
        }
        // Money settings: a value that is not a number stops start-up, naming the file and line.
        func credits(_ key: String) throws(LoadError) -> Double? {
            guard let value = table[key] else { return nil }
            guard let number = value.double ?? value.int.map(Double.init), number.isFinite, number >= 0 else {
                let line = topLevelLine(key, text: text).map { ":\($0)" } ?? ""
                throw LoadError(message: "\(file)\(line): '\(key)' must be a number of credits, 0 or more (e.g. \(key) = 50); found \(value.string.map { "\"\($0)\"" } ?? value.debugDescription)")
            }
            return number
        }
        config.dailyBudget = try credits("daily_budget")
        config.confirmAbove = try credits("confirm_above")
        if let value = table["keys"] {
            guard let keys = value.table else { throw LoadError(message: "\(file): 'keys' must be a table: [keys] then action = \"key\"") }
            var settings: [KeyBindings.Setting] = []
            for action in keys.keys.sorted() {
                let line = lineOf(action, inTable: "keys", text: text)
                let where_ = "\(file)\(line.map { ":\($0)" } ?? "") [keys] \(action)"
                let names: [String]
                if let one = keys[action]?.string {
                    names = [one]
                } else if let list = keys[action]?.array {
                    names = try list.map { item throws(LoadError) -> String in
                        guard let name = item.string else { throw LoadError(message: "\(where_): keys are strings, like \"Ctrl-S\"") }
                        return name
                    }
                } else {
                    throw LoadError(message: "\(where_): give a key (\"r\") or a list of keys ([\"r\", \"F5\"])")
                }
                settings.append(KeyBindings.Setting(action: action, keys: names, line: line))
            }
            do { config.keyBindings = try KeyBindings.make(settings, file: file) } catch {
                throw LoadError(message: error.description)
            }
        }
        return config
    }

    /// Only the `spec` setting, read before the registry may be touched (the full parse checks
    /// `[keys]` against every action, and so reads the registry). Nil if absent or unreadable;
    /// the full parse reports a broken file.
    public static func specSetting(in url: URL) -> String? {
        guard let text = try? String(contentsOf: url, encoding: .utf8), let table = try? TOMLTable(string: text) else { return nil }
        return table["spec"]?.string
    }

    /// The line (1-based) where a top-level `key` is set (before any `[table]`).
    static func topLevelLine(_ key: String, text: String) -> Int? {
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") { return nil }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let name = line[..<eq].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if name == key { return i + 1 }
        }
        return nil
    }

    /// The line (1-based) where `key` is set inside `[table]`, for messages; TOMLKit keeps no positions.
    static func lineOf(_ key: String, inTable table: String, text: String) -> Int? {
        var inTable = false
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                inTable = line == "[\(table)]"
                continue
            }
            guard inTable, let eq = line.firstIndex(of: "=") else { continue }
            let name = line[..<eq].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if name == key { return i + 1 }
        }
        return nil
    }
}
