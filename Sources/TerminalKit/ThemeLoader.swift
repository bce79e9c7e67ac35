// Reading themes from TOML files: the shipped `themes/` folder plus the user's
// `$XDG_CONFIG_HOME/flux-tui/themes` (default `~/.config/flux-tui/themes`).
//
// Why so strict and so chatty: a typo in a theme file should not silently give odd colours. Every
// problem is reported with the file, the line when it can be found, and what is wrong; the app then
// falls back to the built-in default theme instead of failing to start.

import Foundation
import TOMLKit

/// A problem with a theme file.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (path or a label such as "<built-in>").
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// "path/to/theme.toml:12:5: unknown colour 'bleu' for roles.accent.fg"
    public var description: String {
        var s = file
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        return s + ": " + message
    }
}

/// Turns theme TOML text into a `Theme`.
public enum ThemeParser {
    static let roleKeys: Set<String> = ["fg", "bg", "fg8", "bg8", "attributes", "attributes8", "mono"]
    static let topKeys: Set<String> = ["name", "description", "palette", "roles"]

    static let basicNames: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    /// Parses a theme. `id` names it (normally the file name without ".toml"); `file` is used in
    /// error messages. The result is resolved for `colorMode`.
    public static func parse(
        _ text: String, id: String, file: String, colorMode: ColorMode = .c256
    ) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(
                file: file, line: error.source.begin.line, column: error.source.begin.column,
                message: "invalid TOML: \(error.description)")
        } catch {
            throw ThemeError(file: file, message: "invalid TOML: \(error)")
        }
        let locate = LineLocator(text: text)

        for key in table.keys where !topKeys.contains(key) {
            throw ThemeError(
                file: file, line: locate.line(ofKey: key, section: nil),
                message: "unknown key '\(key)' (expected one of: name, description, [palette], [roles.*])")
        }
        var name = id
        if let n = table["name"] {
            guard let s = n.string else {
                throw ThemeError(
                    file: file, line: locate.line(ofKey: "name", section: nil), message: "'name' must be a string")
            }
            name = s
        }

        var palette: [String: TerminalColor] = [:]
        if let p = table["palette"] {
            guard let pt = p.table else {
                throw ThemeError(file: file, line: locate.line(ofSection: "palette"), message: "'palette' must be a table")
            }
            for key in pt.keys {
                let line = locate.line(ofKey: key, section: "palette")
                guard let value = pt[key] else { continue }
                palette[key] = try color(value, palette: [:], file: file, line: line, what: "palette.\(key)")
            }
        }

        var overrides: [ThemeRole: RoleOverrides] = [:]
        if let r = table["roles"] {
            guard let rt = r.table else {
                throw ThemeError(file: file, line: locate.line(ofKey: "roles", section: nil), message: "'roles' must be a table")
            }
            for roleName in rt.keys {
                let section = "roles.\(roleName)"
                guard let role = ThemeRole(rawValue: roleName) else {
                    let known = ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ThemeError(
                        file: file, line: locate.line(ofSection: section),
                        message: "unknown role '\(roleName)' (known roles: \(known))")
                }
                guard let spec = rt[roleName]?.table else {
                    throw ThemeError(
                        file: file, line: locate.line(ofSection: section), message: "'\(section)' must be a table")
                }
                var o = RoleOverrides()
                for key in spec.keys {
                    let line = locate.line(ofKey: key, section: section)
                    guard roleKeys.contains(key) else {
                        throw ThemeError(
                            file: file, line: line,
                            message: "unknown key '\(key)' in [\(section)] (expected: fg, bg, fg8, bg8, attributes, attributes8, mono)")
                    }
                    guard let value = spec[key] else { continue }
                    let what = "\(section).\(key)"
                    switch key {
                    case "fg": o.foreground = try color(value, palette: palette, file: file, line: line, what: what)
                    case "bg": o.background = try color(value, palette: palette, file: file, line: line, what: what)
                    case "fg8": o.foreground8 = try color8(value, file: file, line: line, what: what)
                    case "bg8": o.background8 = try color8(value, file: file, line: line, what: what)
                    case "attributes": o.attributes = try attributes(value, file: file, line: line, what: what)
                    case "attributes8": o.attributes8 = try attributes(value, file: file, line: line, what: what)
                    default: o.monochrome = try attributes(value, file: file, line: line, what: what)
                    }
                }
                overrides[role] = o
            }
        }
        return Theme(id: id, name: name, overrides: overrides, colorMode: colorMode)
    }

    /// Parses one colour value: "#rrggbb", "#rgb", 0-255, a palette name, a basic name or "default".
    public static func parseColor(_ text: String, palette: [String: TerminalColor] = [:]) -> TerminalColor? {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        if s == "default" || s == "none" { return .default }
        if s.hasPrefix("#") {
            let hex = Array(s.dropFirst())
            func byte(_ a: Character, _ b: Character) -> UInt8? { UInt8(String([a, b]), radix: 16) }
            if hex.count == 6, let r = byte(hex[0], hex[1]), let g = byte(hex[2], hex[3]), let b = byte(hex[4], hex[5]) {
                return .rgb(r, g, b)
            }
            if hex.count == 3, let r = byte(hex[0], hex[0]), let g = byte(hex[1], hex[1]), let b = byte(hex[2], hex[2]) {
                return .rgb(r, g, b)
            }
            return nil
        }
        if let n = Int(s) { return (0...255).contains(n) ? .indexed(UInt8(n)) : nil }
        // The theme's own palette wins over the basic names ("blue" may be redefined).
        if let p = palette[text.trimmingCharacters(in: .whitespaces)] ?? palette[s] { return p }
        if let i = basicNames[s] { return .indexed(i) }
        return nil
    }

    private static func color(
        _ value: TOMLValueConvertible, palette: [String: TerminalColor], file: String, line: Int?, what: String
    ) throws(ThemeError) -> TerminalColor {
        if let i = value.int {
            guard (0...255).contains(i) else {
                throw ThemeError(file: file, line: line, message: "colour index \(i) for \(what) is out of range 0-255")
            }
            return .indexed(UInt8(i))
        }
        guard let s = value.string else {
            throw ThemeError(
                file: file, line: line,
                message: "\(what) must be a colour string (\"#rrggbb\", a name) or an index 0-255, not a \(value.type)")
        }
        guard let c = parseColor(s, palette: palette) else {
            throw ThemeError(
                file: file, line: line,
                message: "unknown colour '\(s)' for \(what) (use \"#rrggbb\", 0-255, a basic colour name, \"default\" or a [palette] name)")
        }
        return c
    }

    private static func color8(_ value: TOMLValueConvertible, file: String, line: Int?, what: String) throws(ThemeError) -> TerminalColor {
        let c: TerminalColor?
        if let i = value.int {
            c = (0...7).contains(i) ? .indexed(UInt8(i)) : nil
        } else if let s = value.string {
            let lower = s.lowercased()
            if lower == "default" {
                c = .default
            } else if let i = basicNames[lower], i < 8 {
                c = .indexed(i)
            } else {
                c = nil
            }
        } else {
            c = nil
        }
        guard let c else {
            throw ThemeError(
                file: file, line: line,
                message: "\(what) must be one of the 8 basic colours (black, red, green, yellow, blue, magenta, cyan, white), 0-7 or \"default\"")
        }
        return c
    }

    private static func attributes(_ value: TOMLValueConvertible, file: String, line: Int?, what: String) throws(ThemeError) -> TextAttributes {
        var names: [String] = []
        if let s = value.string {
            names = [s]
        } else if let array = value.array {
            for item in array {
                guard let s = item.string else {
                    throw ThemeError(file: file, line: line, message: "\(what) must list attribute names as strings")
                }
                names.append(s)
            }
        } else {
            throw ThemeError(file: file, line: line, message: "\(what) must be an array of attribute names")
        }
        var result: TextAttributes = []
        for name in names {
            guard let a = TextAttributes.names.first(where: { $0.0 == name.lowercased() })?.1 else {
                throw ThemeError(
                    file: file, line: line,
                    message: "unknown attribute '\(name)' in \(what) (use bold, underline, reverse, dim, italic)")
            }
            result.insert(a)
        }
        return result
    }
}

/// Finds the line of a key or section header in TOML text, for error messages about values
/// (TOMLKit reports positions only for syntax errors). The text is scanned once: the parser asks
/// for the line of every key it reads, and rescanning per key cost ~25 ms of the app's start.
struct LineLocator {
    private struct KeyInSection: Hashable {
        var section: String?
        var key: String
    }

    /// First line (1-based) of each key, per section (nil: before the first header).
    private var keyLines: [KeyInSection: Int] = [:]
    /// First line of each section header.
    private var sectionLines: [String: Int] = [:]

    init(text: String) {
        var current: String? = nil
        for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let h = Self.header(l) {
                current = h
                if sectionLines[h] == nil { sectionLines[h] = i + 1 }
                continue
            }
            let t = l.trimmingCharacters(in: .whitespaces)
            guard t.contains("=") else { continue }
            var k = t.prefix { $0 != "=" }.trimmingCharacters(in: .whitespaces)
            if k.hasPrefix("\"") && k.hasSuffix("\"") && k.count >= 2 { k = String(k.dropFirst().dropLast()) }
            let entry = KeyInSection(section: current, key: k)
            if keyLines[entry] == nil { keyLines[entry] = i + 1 }
        }
    }

    private static func header(_ line: Substring) -> String? {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("["), let close = t.firstIndex(of: "]") else { return nil }
        return t[t.index(after: t.startIndex)..<close].trimmingCharacters(in: .whitespaces)
    }

    func line(ofSection section: String) -> Int? { sectionLines[section] }

    /// The line of `key = ...` inside `[section]` (nil section: before the first header).
    func line(ofKey key: String, section: String?) -> Int? {
        keyLines[KeyInSection(section: section, key: key)] ?? section.flatMap { line(ofSection: $0) }
    }
}

/// Finds and loads theme files.
public struct ThemeLoader: Sendable {
    /// Where a theme came from.
    public enum Source: String, Sendable, Hashable {
        case builtIn = "built-in"
        case shipped
        case user
    }

    /// A theme file found on disk.
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var url: URL
        public var source: Source
    }

    /// The outcome of loading: always a usable theme, plus the problems met on the way.
    public struct LoadResult: Sendable {
        public var theme: Theme
        /// Problems to show the user (bad file, unknown theme name). Empty when all went well.
        public var problems: [ThemeError]
        /// True when the built-in default was used because the requested theme failed.
        public var usedFallback: Bool
    }

    /// The id of the theme used when none is asked for.
    public static let defaultThemeID = "default-dark"

    public var shippedDirectory: URL?
    public var userDirectory: URL?

    public init(shippedDirectory: URL?, userDirectory: URL?) {
        self.shippedDirectory = shippedDirectory
        self.userDirectory = userDirectory
    }

    /// A loader using the standard folders: the shipped folder found by
    /// `locateShippedDirectory()` and the user's XDG folder.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ThemeLoader {
        ThemeLoader(
            shippedDirectory: locateShippedDirectory(environment: environment),
            userDirectory: userThemesDirectory(environment: environment))
    }

    /// `$XDG_CONFIG_HOME/flux-tui/themes`, or `~/.config/flux-tui/themes`.
    public static func userThemesDirectory(environment: [String: String]) -> URL? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty, xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("flux-tui/themes", isDirectory: true)
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".config/flux-tui/themes", isDirectory: true)
    }

    /// Finds the shipped `themes` folder: `$FLUX_TUI_THEMES` if set, else a `themes` or
    /// `share/flux-tui/themes` folder beside the executable or one of its parent folders (covers
    /// `.build/debug/x` run from the repository and `PREFIX/bin/flux-tui` installed by
    /// scripts/install), else in the current directory, else `/usr/local/share/flux-tui/themes` or
    /// `/usr/share/flux-tui/themes`.
    public static func locateShippedDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String? = runningExecutablePath,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> URL? {
        let fm = FileManager.default
        func isThemesDir(_ url: URL) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
                && fm.fileExists(atPath: url.appendingPathComponent("\(defaultThemeID).toml").path)
        }
        if let env = environment["FLUX_TUI_THEMES"], !env.isEmpty {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        if let exe = executablePath, !exe.isEmpty {
            var dir = URL(fileURLWithPath: exe, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true))
                .standardizedFileURL.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<6 {
                for name in ["themes", "share/flux-tui/themes"] {
                    let candidate = dir.appendingPathComponent(name, isDirectory: true)
                    if isThemesDir(candidate) { return candidate }
                }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        let cwd = URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent("themes", isDirectory: true)
        if isThemesDir(cwd) { return cwd }
        for p in ["/usr/local/share/flux-tui/themes", "/usr/share/flux-tui/themes"] {
            let u = URL(fileURLWithPath: p, isDirectory: true)
            if isThemesDir(u) { return u }
        }
        return nil
    }

    /// The running program's own file: `/proc/self/exe` where there is one (argv[0] is only
    /// "flux-tui" when it was found on PATH), else argv[0].
    public static var runningExecutablePath: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }

    /// Every theme file available; a user file overrides a shipped one with the same id.
    public func availableThemes() -> [Entry] {
        var byID: [String: Entry] = [:]
        for (dir, source) in [(shippedDirectory, Source.shipped), (userDirectory, Source.user)] {
            guard let dir,
                let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
            else { continue }
            for name in names where name.hasSuffix(".toml") {
                let id = String(name.dropLast(5))
                byID[id] = Entry(id: id, url: dir.appendingPathComponent(name), source: source)
            }
        }
        if byID[ThemeLoader.defaultThemeID] == nil {
            byID[ThemeLoader.defaultThemeID] = Entry(
                id: ThemeLoader.defaultThemeID, url: URL(fileURLWithPath: "/dev/null"), source: .builtIn)
        }
        return byID.values.sorted { $0.id < $1.id }
    }

    /// Loads one theme file.
    public static func load(file url: URL, colorMode: ColorMode) throws(ThemeError) -> Theme {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ThemeError(file: url.path, message: "cannot read the file (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: url.path, message: "the file is not valid UTF-8")
        }
        let id = url.deletingPathExtension().lastPathComponent
        return try ThemeParser.parse(text, id: id, file: url.path, colorMode: colorMode)
    }

    /// Loads the theme `id` (default "default-dark") for a colour mode. Never fails: on any
    /// problem it reports it and falls back to the shipped default, then to the built-in copy.
    public func load(_ id: String? = nil, colorMode: ColorMode) -> LoadResult {
        let wanted = id ?? ThemeLoader.defaultThemeID
        var problems: [ThemeError] = []
        let entries = availableThemes()
        if let entry = entries.first(where: { $0.id == wanted }), entry.source != .builtIn {
            do throws(ThemeError) {
                return LoadResult(theme: try ThemeLoader.load(file: entry.url, colorMode: colorMode), problems: [], usedFallback: false)
            } catch {
                problems.append(error)
            }
        } else if let entry = entries.first(where: { $0.id == wanted }), entry.source == .builtIn {
            return LoadResult(theme: Theme.fallback.withColorMode(colorMode), problems: [], usedFallback: false)
        } else {
            let known = entries.map(\.id).joined(separator: ", ")
            problems.append(ThemeError(file: wanted, message: "no theme named '\(wanted)' (available: \(known))"))
        }
        // Fall back to the default theme (the user's or shipped file if it loads, else built-in).
        if wanted != ThemeLoader.defaultThemeID,
            let entry = entries.first(where: { $0.id == ThemeLoader.defaultThemeID }), entry.source != .builtIn,
            let theme = try? ThemeLoader.load(file: entry.url, colorMode: colorMode)
        {
            return LoadResult(theme: theme, problems: problems, usedFallback: true)
        }
        return LoadResult(theme: Theme.fallback.withColorMode(colorMode), problems: problems, usedFallback: true)
    }
}
