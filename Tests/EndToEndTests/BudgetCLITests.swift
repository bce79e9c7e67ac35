import FluxAPI
import Foundation
import TaskStore
import Testing
import TestSupport

/// Budgets on the command line, against the built-in simulator: `--budget`, `FLUX_CONFIRM_ABOVE`
/// and `--yes`, the refusal's exit code and figures, the spend of earlier commands counting
/// (they are recorded, off the list, in the task database), and a budget that is not a number.
@Suite(.serialized, .awaitsAfterTest) struct BudgetCLITests {
    let home = Fixtures.temporaryDirectory("flux-budget")

    func run(_ args: [String], env extra: [String: String] = [:]) async throws -> ProcessRunner.Output {
        let env = ProcessRunner.environment(home: home, extra: ["FLUX_SIM_TASK_SECONDS": "0.3"].merging(extra) { $1 })
        let output = try await ProcessRunner.run("flux-tui", args, environment: env, timeout: 90)
        #expect(!output.timedOut, "flux-tui \(args) timed out")
        return output
    }

    /// A 256x256 flux-dev task: the simulator charges 0.16 credits, the table estimates ~0.16.
    let small = ["submit", "flux-dev", "--set", "prompt=a small fox", "--set", "width=256", "--set", "height=256"]
    var database: String { home.appendingPathComponent("data/flux-tui/tasks.sqlite").path }

    @Test func dryRunPrintsTheEstimate() async throws {
        defer { Fixtures.cleanup(home) }
        let out = try await run(small + ["--dry-run"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("estimated cost ~0.16 credits (estimate)"), "\(out.stderr)")
        #expect(out.stdout.contains("\"prompt\""))
    }

    @Test func overTheBudgetExits2WithTheFiguresAndSendsNothing() async throws {
        defer { Fixtures.cleanup(home) }
        let out = try await run(small + ["--budget", "0.1"])
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("not submitted: over the daily budget: spent 0 credits today + 0.16 credits for this task = 0.16 credits > budget 0.1 credits"),
                "\(out.stderr)")
        #expect(!out.stdout.contains("submitted"))
        #expect(!FileManager.default.fileExists(atPath: database))
        let json = try await run(small + ["--budget", "0.1", "--json"])
        #expect(json.status == 2)
        #expect(try JSONValue.parse(json.stdout)["error"]?.stringValue?.contains("over the daily budget") == true)
    }

    @Test func aboveConfirmAboveAScriptMustSayYesAndEarlierSpendCounts() async throws {
        defer { Fixtures.cleanup(home) }
        let asked = try await run(small, env: ["FLUX_CONFIRM_ABOVE": "0.1"])
        #expect(asked.status == 2, "\(asked.stderr)")
        #expect(asked.stderr.contains("this task is estimated at 0.16 credits, above confirm_above (0.1 credits); pass --yes to submit it"),
                "\(asked.stderr)")
        let yes = try await run(small + ["--yes", "--wait", "--output", home.appendingPathComponent("out").path],
                                env: ["FLUX_CONFIRM_ABOVE": "0.1"])
        #expect(yes.status == 0, "\(yes.stderr)")
        // The task is recorded off the app's list, with what it cost.
        let store = try TaskStore(path: database)
        #expect(try store.tasks().isEmpty)
        let charges = try store.charges()
        #expect(charges.map(\.cost) == [0.16])
        #expect(try store.tasks(includeHidden: true).first?.phase == .done)
        // The next command counts it: 0.16 spent + 0.16 (learned) > 0.3.
        let over = try await run(small + ["--budget", "0.3", "--yes"])
        #expect(over.status == 2, "\(over.stderr)")
        #expect(over.stderr.contains("spent 0.16 credits today + 0.16 credits for this task = 0.32 credits > budget 0.3 credits"), "\(over.stderr)")
        let under = try await run(small + ["--budget", "1"])
        #expect(under.status == 0, "\(under.stderr)")
        #expect(try store.charges().count == 2)
    }

    @Test func aBudgetThatIsNotANumberStopsTheCommandNamingWhere() async throws {
        defer { Fixtures.cleanup(home) }
        let env = try await run(small, env: ["FLUX_DAILY_BUDGET": "plenty"])
        #expect(env.status == 2)
        #expect(env.stderr.contains("FLUX_DAILY_BUDGET=\"plenty\" must be a number of credits"), "\(env.stderr)")
        let dir = home.appendingPathComponent("config/flux-tui")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "theme = \"light\"\ndaily_budget = \"ten\"\n".write(to: dir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let file = try await run(small)
        #expect(file.status == 2)
        #expect(file.stderr.contains("config.toml:2: 'daily_budget' must be a number of credits"), "\(file.stderr)")
        // The interactive app refuses to start on it too.
        let app = try await run([])
        #expect(app.status == 2)
        #expect(app.stderr.contains("config.toml:2: 'daily_budget' must be a number of credits"), "\(app.stderr)")
        let flag = try await run(small + ["--budget", "lots"])
        #expect(flag.status != 0)
        #expect(flag.stderr.contains("--budget"), "\(flag.stderr)")
    }

    @Test func finetuneCreateIsCheckedToo() async throws {
        defer { Fixtures.cleanup(home) }
        let dir = Fixtures.temporaryDirectory("ft-budget")
        defer { Fixtures.cleanup(dir) }
        for i in 1...3 {
            Fixtures.write(Fixtures.png(width: 16, height: 16), "img \(i).png", in: dir)
            Fixtures.write(Data("a TOK thing \(i)".utf8), "img \(i).txt", in: dir)
        }
        let out = try await run(["finetune", "create", dir.path, "--set", "finetune_comment=x", "--set", "mode=product",
                                 "--set", "iterations=100", "--budget", "5"])
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("10 credits for this fine-tune = 10 credits > budget 5 credits"), "\(out.stderr)")
    }
}
