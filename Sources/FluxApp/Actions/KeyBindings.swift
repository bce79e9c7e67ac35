import Foundation
import TerminalKit

/// The keys in force: each action's defaults, replaced where config.toml's `[keys]` names it.
public struct KeyBindings: Sendable, Equatable {
    /// Action id → the keys configured for it.
    public private(set) var overrides: [String: [KeyEvent]] = [:]

    public init() {}

    public func keys(for action: Action) -> [KeyEvent] { overrides[action.id] ?? action.keys }

    public func isDefault(_ action: Action) -> Bool { overrides[action.id] == nil }

    /// One `[keys]` entry as read from a file, with its line for messages.
    public struct Setting: Sendable, Equatable {
        public var action: String
        public var keys: [String]
        public var line: Int?

        public init(action: String, keys: [String], line: Int?) {
            self.action = action
            self.keys = keys
            self.line = line
        }
    }

    /// Why a `[keys]` table cannot be used; the message names the file, line and action.
    public struct Problem: Error, Equatable, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Checks the settings against every action: the action must exist, each key must parse, and
    /// no key may end up on two actions that are dispatched together (a screen with the global keys,
    /// or the overlays) unless both keep their defaults (Tab completing or moving is by design).
    public static func make(_ settings: [Setting], file: String) throws(Problem) -> KeyBindings {
        var bindings = KeyBindings()
        let known = ActionCatalog.knownIDs
        for setting in settings {
            let place = "\(file)\(setting.line.map { ":\($0)" } ?? "") [keys] \(setting.action)"
            guard known.contains(setting.action) else {
                let close = known.sorted().filter { $0.hasPrefix(String(setting.action.prefix(3))) }.prefix(4)
                throw Problem(description: "\(place): no action is called '\(setting.action)'"
                              + (close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)")
                              + "; `flux-tui keys` lists them")
            }
            guard !setting.keys.isEmpty else { throw Problem(description: "\(place): give at least one key") }
            var keys: [KeyEvent] = []
            for name in setting.keys {
                guard let key = KeyEvent(name: name) else {
                    throw Problem(description: "\(place): '\(name)' is not a key name (try \"q\", \"Ctrl-S\", \"F5\", \"Enter\", \"Esc\", \"PgDn\")")
                }
                keys.append(key)
            }
            bindings.overrides[setting.action] = keys
        }
        for scope in ActionCatalog.scopes {
            var owner: [KeyEvent: Action] = [:]
            for action in scope.actions {
                for key in bindings.keys(for: action) {
                    if let other = owner[key], other.id != action.id, !(bindings.isDefault(other) && bindings.isDefault(action)) {
                        let configured = bindings.isDefault(action) ? other : action
                        let line = settings.first { $0.action == configured.id }?.line
                        throw Problem(description: "\(file)\(line.map { ":\($0)" } ?? "") [keys] \(configured.id): \(key) is also "
                                      + "the key of '\(configured.id == action.id ? other.id : action.id)' on the \(scope.name) screen")
                    }
                    owner[key] = owner[key] ?? action
                }
            }
        }
        return bindings
    }
}
