import CursesBackend
import FluxAPI
import FluxApp
import Foundation
import TaskStore
import TerminalKit

/// Starts the interactive UI: connects (simulator when no key), opens the task database, and runs
/// the app on the terminal until the user quits. The terminal is restored on every exit path.
/// With `--no-mouse` (or `mouse = false` in the config file) the terminal is never asked for mouse
/// reports, so its own text selection works.
enum InteractiveApp {
    static func run(global: GlobalOptions, output: OutputOptions, themeID: String?, noMouse: Bool = false,
                    specNotice: String? = nil, budget: BudgetOptions) async throws {
        // A budget that is not a number (file, environment or --budget) stops start-up, named:
        // checked first, so it is said even where the interface cannot start.
        var limits: BudgetLimits
        do {
            limits = try budget.limits()
            // --yes: the user said yes in advance; the day's budget still refuses.
            if budget.yes { limits.confirmAbove = nil }
        } catch {
            Console.error("flux-tui: \(error)")
            throw ExitCodes.invalidInput
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            Console.error("flux-tui: the interactive interface needs a terminal; use a subcommand for scripts (see `flux-tui --help`).")
            throw ExitCodes.failure
        }
        let paths = AppPaths()
        let store: TaskStore
        do { store = try TaskStore(path: paths.databaseFile.path) } catch {
            Console.error("flux-tui: cannot open the task database at \(paths.databaseFile.path): \(error)")
            throw ExitCodes.failure
        }
        let backend = try await Backend.connect(global)
        let serverLabel = backend.isSimulator ? backend.client.configuration.serverURL.absoluteString
                                              : backend.client.configuration.serverURL.host ?? "server"
        let config = try Settings.config()
        let mouse = !noMouse && config.mouse != false
        let engine = TaskEngine(client: backend.client, store: store,
                                settings: TaskEngine.Settings(outputDirectory: output.directory, naming: OutputNaming(pattern: output.pattern),
                                                              maxActive: config.maxActive ?? 20))
        var notice: String?
        do {
            try await CursesTerminal.run(options: CursesTerminal.Options(mouse: mouse)) { terminal in
                let loader = ThemeLoader.standard()
                let loaded = loader.load(themeID ?? config.theme ?? ThemeLoader.defaultThemeID, colorMode: terminal.colorMode)
                if let problem = loaded.problems.first { notice = "theme: \(problem.description)" }
                else if let specNotice { notice = specNotice }
                else if backend.isSimulator { notice = "No API key set: using the built-in simulator. Set BFL_API_KEY to use the real API." }
                let runner = AppRunner(backend: terminal, engine: engine, store: store, client: backend.client,
                                       theme: loaded.theme,
                                       server: ServerInfo(label: serverLabel, isSimulator: backend.isSimulator,
                                                          url: backend.client.configuration.serverURL),
                                       startupNotice: notice, keyBindings: config.keyBindings,
                                       mouse: mouse,
                                       notifications: NotificationSettings(
                                           style: config.notify ?? NotificationStyle.detect(ProcessInfo.processInfo.environment),
                                           after: config.notifyAfter ?? 30),
                                       budget: limits, confirmTasksAbove: config.confirmTasksAbove ?? 20)
                await runner.run()
            }
        } catch let error as CursesError {
            await engine.shutdown()
            await backend.shutdown()
            Console.error("flux-tui: \(error)")
            throw ExitCodes.failure
        }
        await engine.shutdown()
        await backend.shutdown()
    }
}
