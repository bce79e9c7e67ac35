import FluxAPI
import Foundation
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
/// ```
public struct AppConfig: Sendable, Equatable {
    public var apiKey: APIKey?
    public var server: String?
    public var output: String?
    public var namePattern: String?
    public var theme: String?
    public var maxActive: Int?

    public init() {}

    public static let keys = ["api_key", "server", "output", "name_pattern", "theme", "max_active"]

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
        if let value = table["max_active"] {
            guard let n = value.int, (1...24).contains(n) else { throw LoadError(message: "\(file): 'max_active' must be a whole number from 1 to 24") }
            config.maxActive = n
        }
        return config
    }
}
