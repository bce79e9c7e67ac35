import FluxAPI
import Foundation
import TestSupport
import Testing
@testable import FluxApp

/// `spec = "..."` in config.toml: part of the settings, and readable on its own before anything
/// touches the endpoint registry.
@Suite struct SpecSettingTests {
    @Test func theSpecKeyIsASetting() throws {
        let config = try AppConfig.parse(#"spec = "~/bfl-openapi.json""#, file: "config.toml")
        #expect(config.spec == "~/bfl-openapi.json")
        #expect(throws: AppConfig.LoadError.self) { try AppConfig.parse("spec = 3", file: "config.toml") }
    }

    @Test func specSettingReadsOnlyThatKey() throws {
        let directory = Fixtures.temporaryDirectory("flux-spec-setting")
        defer { Fixtures.cleanup(directory) }
        let file = Fixtures.write(Data("theme = \"light\"\nspec = \"newer.json\"\n[keys]\nquit = \"Q\"\n".utf8), "config.toml", in: directory)
        #expect(AppConfig.specSetting(in: file) == "newer.json")
        let broken = Fixtures.write(Data("spec = ".utf8), "broken.toml", in: directory)
        #expect(AppConfig.specSetting(in: broken) == nil)
        #expect(AppConfig.specSetting(in: directory.appendingPathComponent("missing.toml")) == nil)
    }
}
