import Foundation
import Testing
import TerminalKit

@Suite("Themes")
struct ThemeTests {
    @Test("Every shipped theme loads", arguments: ["default-dark", "light", "high-contrast", "monochrome"])
    func shipped(id: String) throws {
        let url = repositoryThemes.appendingPathComponent("\(id).toml")
        let theme = try ThemeLoader.load(file: url, colorMode: .c256)
        #expect(theme.id == id)
        #expect(!theme.name.isEmpty)
        for role in ThemeRole.allCases {
            _ = theme.style(role)  // every role resolves
        }
        // Selection must be visible in every mode.
        let sel = theme.withColorMode(.none).style(.selection)
        #expect(sel.attributes.contains(.reverse))
        #expect(theme.withColorMode(.c8).style(.selection) != theme.withColorMode(.c8).style(.text))
    }

    @Test("The built-in fallback is the shipped default-dark theme")
    func builtInMatchesFile() throws {
        let file = try ThemeLoader.load(file: repositoryThemes.appendingPathComponent("default-dark.toml"), colorMode: .c256)
        #expect(file.specs == Theme.fallback.specs)
        #expect(Theme.fallback.name == "Default Dark")
    }

    @Test("Colours resolve per mode: hex kept in true colour, mapped in 256, fallback in 8")
    func resolution() throws {
        let toml = """
            name = "T"
            [palette]
            sky = "#5fafff"
            [roles.accent]
            fg = "sky"
            fg8 = "cyan"
            attributes = ["bold"]
            [roles.selection]
            bg = 25
            """
        let theme = try ThemeParser.parse(toml, id: "t", file: "t.toml")
        #expect(theme.withColorMode(.trueColor).style(.accent).foreground == .rgb(0x5F, 0xAF, 0xFF))
        #expect(theme.withColorMode(.c256).style(.accent).foreground == .indexed(75))
        #expect(theme.withColorMode(.c8).style(.accent).foreground == .cyan)
        #expect(theme.withColorMode(.c256).style(.accent).attributes == .bold)
        let mono = theme.withColorMode(.none)
        #expect(mono.style(.accent) == Style(attributes: .bold))
        #expect(mono.style(.selection).attributes.contains(.reverse))
        #expect(mono.style(.muted).attributes.contains(.dim))
        // Unset fallbacks are computed from the colour.
        #expect(theme.withColorMode(.c8).style(.selection).background == .blue)
        // Roles left out inherit: status_text takes status_bar's colours.
        #expect(theme.style(.statusText).background == theme.style(.statusBar).background)
    }

    @Test("Colour maths")
    func colorMath() {
        #expect(ColorMath.nearest256(255, 255, 255) == 231)
        #expect(ColorMath.nearest256(0, 0, 0) == 16)
        #expect(ColorMath.nearest256(0x80, 0x80, 0x80) == 244)
        #expect(ColorMath.nearest256(0x1C, 0x1C, 0x1C) == 234)
        #expect(ColorMath.nearest256(0x00, 0x5F, 0x87) == 24)
        #expect(ColorMath.nearest8(.rgb(250, 10, 10)) == .red)
        #expect(ColorMath.nearest8(.indexed(12)) == .blue)
        #expect(ColorMath.nearest8(.default) == .default)
        #expect(ThemeParser.parseColor("#fff") == .rgb(255, 255, 255))
        #expect(ThemeParser.parseColor("bright-red") == .indexed(9))
        #expect(ThemeParser.parseColor("300") == nil)
        #expect(ThemeParser.parseColor("#12345") == nil)
        // A palette entry may redefine a basic colour name.
        #expect(ThemeParser.parseColor("blue", palette: ["blue": .rgb(0x5F, 0xAF, 0xFF)]) == .rgb(0x5F, 0xAF, 0xFF))
        #expect(ThemeParser.parseColor("blue") == .blue)
        #expect(Theme.fallback.withColorMode(.c256).style(.accent).foreground == .indexed(75))
        #expect(Theme.fallback.withColorMode(.c256).style(.border).foreground == .indexed(239))
    }

    @Test("Bad theme files are reported with file, line and reason", arguments: [
        ("name = \"x\"\n[roles.accent\nfg = 1\n", 2, "invalid TOML"),
        ("name = \"x\"\n\n[roles.accent]\nfg = \"bleu\"\n", 4, "unknown colour 'bleu' for roles.accent.fg"),
        ("[roles.selcetion]\nfg = 1\n", 1, "unknown role 'selcetion'"),
        ("[roles.text]\nfg = 1\ncolour = 2\n", 3, "unknown key 'colour' in [roles.text]"),
        ("[roles.text]\nfg8 = \"orange\"\n", 2, "roles.text.fg8 must be one of the 8 basic colours"),
        ("[roles.text]\nattributes = [\"blink\"]\n", 2, "unknown attribute 'blink'"),
        ("[roles.text]\nfg = 256\n", 2, "out of range"),
        ("nmae = \"x\"\n", 1, "unknown key 'nmae'"),
    ])
    func badFiles(text: String, line: Int, message: String) {
        let error = #expect(throws: ThemeError.self) {
            _ = try ThemeParser.parse(text, id: "bad", file: "/tmp/bad.toml")
        }
        #expect(error?.file == "/tmp/bad.toml")
        #expect(error?.line == line)
        #expect(error?.message.contains(message) == true, "message was: \(error?.message ?? "-")")
        #expect(error?.description.hasPrefix("/tmp/bad.toml:\(line)") == true)
    }

    @Test("The loader falls back to the default theme and says why")
    func loaderFallback() throws {
        let user = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: user) }
        try "[roles.text]\nfg = \"nope\"\n".write(to: user.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        let loader = ThemeLoader(shippedDirectory: repositoryThemes, userDirectory: user)

        let broken = loader.load("broken", colorMode: .c256)
        #expect(broken.usedFallback)
        #expect(broken.theme.id == "default-dark")
        #expect(broken.problems.count == 1)
        #expect(broken.problems[0].file.hasSuffix("broken.toml"))
        #expect(broken.problems[0].line == 2)

        let missing = loader.load("no-such-theme", colorMode: .c8)
        #expect(missing.usedFallback)
        #expect(missing.theme.colorMode == .c8)
        #expect(missing.problems[0].message.contains("no theme named 'no-such-theme'"))

        let fine = loader.load("light", colorMode: .c256)
        #expect(!fine.usedFallback)
        #expect(fine.problems.isEmpty)
        #expect(fine.theme.name == "Light")

        // No folders at all: the built-in default, no problem reported.
        let bare = ThemeLoader(shippedDirectory: nil, userDirectory: nil).load(nil, colorMode: .c256)
        #expect(!bare.usedFallback)
        #expect(bare.theme.specs == Theme.fallback.specs)
    }

    @Test("A user theme overrides a shipped one with the same name and adds new ones")
    func userOverrides() throws {
        let user = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: user) }
        try "name = \"Mine\"\n".write(to: user.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        try "name = \"Extra\"\n".write(to: user.appendingPathComponent("extra.toml"), atomically: true, encoding: .utf8)
        let loader = ThemeLoader(shippedDirectory: repositoryThemes, userDirectory: user)
        let ids = loader.availableThemes().map(\.id)
        #expect(ids == ["default-dark", "extra", "high-contrast", "light", "monochrome"])
        #expect(loader.availableThemes().first { $0.id == "light" }?.source == .user)
        #expect(loader.load("light", colorMode: .c256).theme.name == "Mine")
    }

    @Test("User theme folder follows XDG_CONFIG_HOME, else ~/.config")
    func userFolder() {
        #expect(ThemeLoader.userThemesDirectory(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"])?.path
            == "/x/cfg/flux-tui/themes")
        #expect(ThemeLoader.userThemesDirectory(environment: ["HOME": "/home/u"])?.path == "/home/u/.config/flux-tui/themes")
        #expect(ThemeLoader.userThemesDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"])?.path
            == "/h/.config/flux-tui/themes")
        #expect(ThemeLoader.userThemesDirectory(environment: [:]) == nil)
    }

    @Test("The shipped folder is found from the executable's location")
    func locateShipped() {
        let fakeExe = repositoryThemes.deletingLastPathComponent().appendingPathComponent(".build/debug/some-tool").path
        let found = ThemeLoader.locateShippedDirectory(environment: [:], executablePath: fakeExe, currentDirectory: "/")
        #expect(found?.standardizedFileURL.path == repositoryThemes.standardizedFileURL.path)
        let env = ThemeLoader.locateShippedDirectory(environment: ["FLUX_TUI_THEMES": "/opt/themes"], executablePath: nil, currentDirectory: "/")
        #expect(env?.path == "/opt/themes")
    }

    @Test("NO_COLOR and TERM=dumb turn colour off", arguments: [
        (["NO_COLOR": "1", "TERM": "xterm-256color"], nil as Int?, ColorMode.none),
        (["NO_COLOR": "", "TERM": "xterm-256color"], nil, .c256),
        (["TERM": "dumb"], 256, .none),
        (["TERM": "xterm-256color"], 256, .c256),
        (["TERM": "xterm"], 8, .c8),
        (["TERM": "xterm-direct"], 16_777_216, .trueColor),
        (["TERM": "xterm", "COLORTERM": "truecolor"], nil, .trueColor),
        (["TERM": "vt100"], 0, .none),
        (["TERM": "xterm"], nil, .c8),
    ])
    func colorMode(env: [String: String], colors: Int?, expected: ColorMode) {
        #expect(ColorMode.detect(environment: env, colorCount: colors) == expected)
    }

    @Test("In monochrome, roles differ by attributes only")
    func monochrome() {
        let t = Theme.fallback.withColorMode(.none)
        for role in ThemeRole.allCases {
            #expect(t.style(role).foreground == .default)
            #expect(t.style(role).background == .default)
        }
        #expect(t.style(.selection).attributes.contains(.reverse))
        #expect(t.style(.accent).attributes.contains(.bold))
        #expect(t.style(.statusBar).attributes.contains(.reverse))
        #expect(t.style(.error).attributes.contains(.bold))
        #expect(Theme.monochrome.style(.selection).attributes.contains(.reverse))
    }
}

@Suite struct InstalledThemesTests {
    @Test func anInstalledBinaryFindsTheThemesBesideItsBinFolder() throws {
        let prefix = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flux-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let themes = prefix.appendingPathComponent("share/flux-tui/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try "".write(to: themes.appendingPathComponent("\(ThemeLoader.defaultThemeID).toml"), atomically: true, encoding: .utf8)
        try "".write(to: prefix.appendingPathComponent("bin/flux-tui"), atomically: true, encoding: .utf8)
        let found = ThemeLoader.locateShippedDirectory(environment: [:], executablePath: prefix.appendingPathComponent("bin/flux-tui").path,
                                                       currentDirectory: "/")
        #expect(found?.standardizedFileURL.path == themes.standardizedFileURL.path)
    }

    @Test func theRunningProgramIsFoundEvenWhenArgv0IsABareName() {
        #expect(ThemeLoader.runningExecutablePath?.hasPrefix("/") == true)
    }
}
