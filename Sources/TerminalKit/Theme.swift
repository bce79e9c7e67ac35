// Themes: named roles (text, accent, selection, ...) mapped to colours and attributes, resolved
// for what the terminal can show.
//
// Why roles: widgets never name colours, they ask `theme.style(.selection)`, so a theme file can
// restyle everything and a monochrome terminal still gets a usable UI (reverse for selection,
// bold for accent...). Resolution happens once per theme/colour-mode, so widgets only do a
// dictionary look-up while drawing.

import Foundation

/// What the terminal can show.
public enum ColorMode: String, Hashable, Sendable, CaseIterable {
    /// 24-bit colour: RGB values are kept.
    case trueColor = "truecolor"
    /// The xterm 256-colour palette: RGB is mapped to the nearest palette entry.
    case c256 = "256"
    /// The 8 basic colours: each role's 8-colour fallback is used.
    case c8 = "8"
    /// No colour at all: attributes only (reverse for selection, bold for accent...).
    case none = "none"

    /// Picks the mode from the environment and, when known, the number of colours the terminal
    /// reports (ncurses' COLORS).
    ///
    /// `NO_COLOR` set to any non-empty value, or `TERM=dumb`, gives `.none` (see no-color.org).
    /// True colour needs a terminal that reports 2^24 colours (a "-direct" terminfo entry); when
    /// the count is unknown, `COLORTERM=truecolor|24bit` is trusted.
    public static func detect(environment: [String: String], colorCount: Int? = nil) -> ColorMode {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        let term = environment["TERM"] ?? ""
        if term == "dumb" { return .none }
        if let count = colorCount {
            if count >= 1 << 24 { return .trueColor }
            if count >= 256 { return .c256 }
            if count >= 8 { return .c8 }
            return .none
        }
        let colorTerm = (environment["COLORTERM"] ?? "").lowercased()
        if colorTerm == "truecolor" || colorTerm == "24bit" { return .trueColor }
        if term.contains("256color") { return .c256 }
        if term.isEmpty { return .none }
        return .c8
    }
}

/// The named parts of the UI a theme colours. Raw values are the keys used in theme files.
public enum ThemeRole: String, Hashable, Sendable, CaseIterable {
    case background
    case text
    case muted
    case accent
    case title
    case border
    case borderFocused = "border_focused"
    case selection
    case selectionInactive = "selection_inactive"
    case header
    case input
    case inputFocused = "input_focused"
    case placeholder
    case hint
    case key
    case success
    case warning
    case error
    case info
    case statusBar = "status_bar"
    case statusText = "status_text"
    case statusAccent = "status_accent"
    case dialog
    case button
    case buttonFocused = "button_focused"
    case progress
    case progressTrack = "progress_track"

    /// The role whose colours this one takes when the theme leaves them out.
    public var parent: ThemeRole? {
        switch self {
        case .background: return nil
        case .text: return .background
        case .placeholder, .hint, .progressTrack: return .muted
        case .borderFocused: return .border
        case .selectionInactive: return .selection
        case .inputFocused: return .input
        case .statusText: return .statusBar
        case .statusAccent: return .statusText
        case .button: return .dialog
        case .buttonFocused: return .selection
        case .progress: return .accent
        default: return .text
        }
    }

    /// Attributes used when there is no colour at all, so the role is still recognisable.
    public var defaultMonochromeAttributes: TextAttributes {
        switch self {
        case .selection, .statusBar, .statusText, .buttonFocused: return .reverse
        case .selectionInactive: return .underline
        case .accent, .title, .key, .borderFocused, .warning, .statusAccent: return .bold
        case .error: return [.bold, .underline]
        case .header: return [.bold, .underline]
        case .muted, .hint, .placeholder, .progressTrack: return .dim
        case .input: return .underline
        case .inputFocused: return [.underline, .bold]
        default: return []
        }
    }

    /// Extra attributes in 8-colour mode, where subtle colour differences are lost.
    public var default8ColorAttributes: TextAttributes {
        switch self {
        case .muted, .hint, .placeholder, .progressTrack: return .dim
        default: return []
        }
    }
}

/// One role as written in a theme (after inheritance): colours for each mode plus attributes.
public struct RoleSpec: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    /// 8-colour fallbacks (an index 0-7 or `.default`).
    public var foreground8: TerminalColor
    public var background8: TerminalColor
    public var attributes: TextAttributes
    /// Extra attributes in 8-colour mode.
    public var attributes8: TextAttributes
    /// Attributes used instead when there is no colour.
    public var monochrome: TextAttributes

    public init(
        foreground: TerminalColor = .default, background: TerminalColor = .default,
        foreground8: TerminalColor? = nil, background8: TerminalColor? = nil,
        attributes: TextAttributes = [], attributes8: TextAttributes = [], monochrome: TextAttributes = []
    ) {
        self.foreground = foreground
        self.background = background
        self.foreground8 = foreground8 ?? ColorMath.nearest8(foreground)
        self.background8 = background8 ?? ColorMath.nearest8(background)
        self.attributes = attributes
        self.attributes8 = attributes8
        self.monochrome = monochrome
    }

    /// The concrete style for a colour mode.
    public func style(for mode: ColorMode) -> Style {
        switch mode {
        case .trueColor:
            return Style(foreground: foreground, background: background, attributes: attributes)
        case .c256:
            return Style(
                foreground: ColorMath.to256(foreground), background: ColorMath.to256(background),
                attributes: attributes)
        case .c8:
            return Style(foreground: foreground8, background: background8, attributes: attributes.union(attributes8))
        case .none:
            return Style(foreground: .default, background: .default, attributes: monochrome)
        }
    }
}

/// What a theme file says about one role. Anything left nil is inherited from the role's parent
/// (colours) or taken from the role's defaults (attributes).
public struct RoleOverrides: Hashable, Sendable {
    public var foreground: TerminalColor?
    public var background: TerminalColor?
    public var foreground8: TerminalColor?
    public var background8: TerminalColor?
    public var attributes: TextAttributes?
    public var attributes8: TextAttributes?
    public var monochrome: TextAttributes?

    public init(
        foreground: TerminalColor? = nil, background: TerminalColor? = nil, foreground8: TerminalColor? = nil,
        background8: TerminalColor? = nil, attributes: TextAttributes? = nil, attributes8: TextAttributes? = nil,
        monochrome: TextAttributes? = nil
    ) {
        self.foreground = foreground
        self.background = background
        self.foreground8 = foreground8
        self.background8 = background8
        self.attributes = attributes
        self.attributes8 = attributes8
        self.monochrome = monochrome
    }
}

/// A complete theme: every role resolved for one colour mode.
public struct Theme: Hashable, Sendable {
    /// The theme's identifier (its file name without ".toml").
    public var id: String
    /// The human name from the file's `name` key.
    public var name: String
    public private(set) var colorMode: ColorMode
    /// Every role, after inheritance.
    public let specs: [ThemeRole: RoleSpec]
    private var resolved: [ThemeRole: Style]

    /// Builds a theme from what a file says; roles and fields it leaves out are inherited.
    public init(
        id: String, name: String? = nil, overrides: [ThemeRole: RoleOverrides], colorMode: ColorMode = .c256
    ) {
        var full: [ThemeRole: RoleSpec] = [:]
        for role in ThemeRole.allCases {
            _ = Theme.spec(role, overrides, &full)
        }
        self.id = id
        self.name = name ?? id
        self.colorMode = colorMode
        self.specs = full
        self.resolved = Theme.resolve(full, colorMode)
    }

    private static func spec(
        _ role: ThemeRole, _ overrides: [ThemeRole: RoleOverrides], _ memo: inout [ThemeRole: RoleSpec]
    ) -> RoleSpec {
        if let done = memo[role] { return done }
        let parent = role.parent.map { spec($0, overrides, &memo) } ?? RoleSpec()
        let o = overrides[role] ?? RoleOverrides()
        let attributes = o.attributes ?? []
        let result = RoleSpec(
            foreground: o.foreground ?? parent.foreground,
            background: o.background ?? parent.background,
            foreground8: o.foreground8 ?? (o.foreground.map(ColorMath.nearest8) ?? parent.foreground8),
            background8: o.background8 ?? (o.background.map(ColorMath.nearest8) ?? parent.background8),
            attributes: attributes,
            attributes8: o.attributes8 ?? role.default8ColorAttributes,
            monochrome: o.monochrome ?? role.defaultMonochromeAttributes.union(attributes))
        memo[role] = result
        return result
    }

    private static func resolve(_ specs: [ThemeRole: RoleSpec], _ mode: ColorMode) -> [ThemeRole: Style] {
        var out: [ThemeRole: Style] = [:]
        for (role, spec) in specs { out[role] = spec.style(for: mode) }
        return out
    }

    /// The style of a role in the theme's colour mode.
    public func style(_ role: ThemeRole) -> Style {
        resolved[role] ?? .plain
    }

    /// The same theme resolved for another colour mode.
    public func withColorMode(_ mode: ColorMode) -> Theme {
        var t = self
        t.colorMode = mode
        t.resolved = Theme.resolve(specs, mode)
        return t
    }

    /// The built-in default (the same content as themes/default-dark.toml), used whenever no theme
    /// file can be read.
    public static let fallback: Theme = {
        do {
            return try ThemeParser.parse(BuiltInThemes.defaultDarkTOML, id: "default-dark", file: "<built-in default-dark>")
        } catch {
            // Unreachable: a test parses the built-in text. Keep the app usable regardless.
            return Theme(id: "default-dark", overrides: [:])
        }
    }()

    /// A theme with no colours at all (what `NO_COLOR` gives).
    public static let monochrome = Theme(id: "monochrome", name: "Monochrome", overrides: [:], colorMode: .none)
}

/// Colour conversions between RGB, the xterm 256 palette and the 8 basic colours.
public enum ColorMath {
    /// RGB of an xterm palette index.
    public static func rgb(ofIndex i: UInt8) -> (UInt8, UInt8, UInt8) {
        let basic: [(UInt8, UInt8, UInt8)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if i < 16 { return basic[Int(i)] }
        if i >= 232 {
            let v = greyLevel(Int(i) - 232)
            return (v, v, v)
        }
        let n = Int(i) - 16
        return (cubeLevels[n / 36], cubeLevels[(n / 6) % 6], cubeLevels[n % 6])
    }

    /// The six values each channel takes in the xterm colour cube (entries 16-231).
    package static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The index (0-5) of the cube level nearest to a channel value.
    package static func nearestCubeLevel(_ v: Int) -> Int {
        if v < 48 { return 0 }
        if v < 115 { return 1 }
        return (v - 35) / 40
    }

    /// The value of step 0-23 of the grey ramp (entries 232-255).
    package static func greyLevel(_ step: Int) -> UInt8 { UInt8(8 + 10 * step) }

    private static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0)
        let dg = Int(a.1) - Int(b.1)
        let db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }

    /// The closest xterm 256-palette entry (16-255) to an RGB colour.
    public static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let ci = (nearestCubeLevel(Int(r)), nearestCubeLevel(Int(g)), nearestCubeLevel(Int(b)))
        let cube = (cubeLevels[ci.0], cubeLevels[ci.1], cubeLevels[ci.2])
        let cubeIdx = 16 + 36 * ci.0 + 6 * ci.1 + ci.2
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let greyIdx = avg > 238 ? 23 : Swift.max(0, (avg - 3) / 10)
        let gv = greyLevel(greyIdx)
        let target = (r, g, b)
        if distance((gv, gv, gv), target) < distance(cube, target) {
            return UInt8(232 + greyIdx)
        }
        return UInt8(cubeIdx)
    }

    /// A colour usable in 256-colour mode.
    public static func to256(_ color: TerminalColor) -> TerminalColor {
        if case .rgb(let r, let g, let b) = color { return .indexed(nearest256(r, g, b)) }
        return color
    }

    /// The closest of the 8 basic colours (or `.default`).
    public static func nearest8(_ color: TerminalColor) -> TerminalColor {
        let rgbValue: (UInt8, UInt8, UInt8)
        switch color {
        case .default: return .default
        case .indexed(let i) where i < 16: return .indexed(i % 8)
        case .indexed(let i): rgbValue = rgb(ofIndex: i)
        case .rgb(let r, let g, let b): rgbValue = (r, g, b)
        }
        // Compare against a brighter reference for the basic colours, so mid tones land on the
        // hue rather than on black/white.
        let refs: [(UInt8, UInt8, UInt8)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229),
        ]
        var best = 0
        var bestD = Int.max
        for (i, ref) in refs.enumerated() {
            let d = distance(ref, rgbValue)
            if d < bestD {
                bestD = d
                best = i
            }
        }
        return .indexed(UInt8(best))
    }
}
