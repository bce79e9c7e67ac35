import ArgumentParser
import FluxAPI
import FluxApp
import Foundation

@main
struct FluxTUI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flux-tui",
        abstract: "A terminal client for the FLUX image-generation API.",
        discussion: """
            With no subcommand, opens the interactive interface. With no API key (BFL_API_KEY or \
            TESTDK_API_KEY_HEADER) every command talks to a built-in simulator of the API on 127.0.0.1.
            Exit codes: 0 success (task Ready), 1 error, 2 invalid input, 3 task moderated or failed.
            """,
        version: "0.1.0",
        subcommands: [
            EndpointsCommand.self, DescribeCommand.self, SubmitCommand.self, BatchCommand.self, ResultCommand.self,
            ExportCommand.self,
            FinetuneCommand.self, FinetunesCommand.self, SimulatorCommand.self, KeysCommand.self, SpecCommand.self,
            SheetCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: ArgumentHelp("Colour theme: default-dark, light, high-contrast, monochrome, or one of yours.", valueName: "name"))
    var theme: String?
    @Flag(name: .customLong("no-mouse"), help: "Do not use the mouse (the terminal's own text selection then works as usual).")
    var noMouse = false
    @Option(help: ArgumentHelp("Load endpoints from a newer OpenAPI document (file or URL) at start-up (config: spec).", valueName: "file"))
    var spec: String?
    @OptionGroup var budget: BudgetOptions

    func run() async throws {
        // Before anything reads the registry (parsing [keys] does): it can be replaced only once.
        var specNotice: String?
        if let location = spec ?? AppConfig.specSetting(in: AppPaths().configFile) {
            specNotice = await SpecStartup.install(location)
        }
        try await InteractiveApp.run(global: global, output: output, themeID: theme, noMouse: noMouse, specNotice: specNotice,
                                     budget: budget)
    }
}
