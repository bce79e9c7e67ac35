import Foundation

/// XDG folders: config under `$XDG_CONFIG_HOME/flux-tui`, data (task database, outputs) under
/// `$XDG_DATA_HOME/flux-tui`.
public struct AppPaths: Sendable, Equatable {
    public let configDirectory: URL
    public let dataDirectory: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func xdg(_ key: String, _ fallback: String) -> URL {
            if let value = environment[key], value.hasPrefix("/") { return URL(fileURLWithPath: value) }
            return URL(fileURLWithPath: home).appendingPathComponent(fallback)
        }
        configDirectory = xdg("XDG_CONFIG_HOME", ".config").appendingPathComponent("flux-tui")
        dataDirectory = xdg("XDG_DATA_HOME", ".local/share").appendingPathComponent("flux-tui")
    }

    public var defaultOutputDirectory: URL { dataDirectory.appendingPathComponent("outputs") }
    public var databaseFile: URL { dataDirectory.appendingPathComponent("tasks.sqlite") }
    public var configFile: URL { configDirectory.appendingPathComponent("config.toml") }
    public var userThemesDirectory: URL { configDirectory.appendingPathComponent("themes") }
}
