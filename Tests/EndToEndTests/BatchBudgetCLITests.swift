import FluxAPI
import Foundation
import TaskStore
import Testing
import TestSupport

/// The budget on the command line's batches (issue 17 §2): `submit --sweep`/`--repeat` and
/// `batch FILE` estimate the whole batch as one sum, task by task, and check it as `submit`
/// checks one task: over the budget exits 2 with the figures and sends nothing.
@Suite(.serialized, .awaitsAfterTest) struct BatchBudgetCLITests {
    let home = Fixtures.temporaryDirectory("flux-batch-budget")

    func run(_ args: [String], env extra: [String: String] = [:]) async throws -> ProcessRunner.Output {
        let env = ProcessRunner.environment(home: home, extra: ["FLUX_SIM_TASK_SECONDS": "0.3"].merging(extra) { $1 })
        let output = try await ProcessRunner.run("flux-tui", args, environment: env, timeout: 90)
        #expect(!output.timedOut, "flux-tui \(args) timed out")
        return output
    }

    var database: String { home.appendingPathComponent("data/flux-tui/tasks.sqlite").path }

    /// Three 256x256 flux-dev tasks: ~0.16 credits each by the price table, 0.49 together.
    let sweep = ["submit", "flux-dev", "--set", "prompt=a small fox", "--set", "width=256", "--set", "height=256",
                 "--sweep", "seed=1..3"]

    @Test func aSweepOverTheBudgetExits2WithTheFiguresAndSendsNothing() async throws {
        defer { Fixtures.cleanup(home) }
        let dry = try await run(sweep + ["--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("estimated cost ~0.49 credits (estimate) for 3 tasks"), "\(dry.stderr)")

        let over = try await run(sweep + ["--budget", "0.4"])
        #expect(over.status == 2, "\(over.stderr)")
        #expect(over.stderr.contains("not submitted: over the daily budget: spent 0 credits today + 0.49 credits for this batch of 3 tasks"
                                     + " = 0.49 credits > budget 0.4 credits"), "\(over.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database), "nothing was stored, so nothing was sent")
        // The environment's budget, and --repeat, the same way; as JSON too.
        let repeated = try await run(["submit", "flux-dev", "--set", "prompt=x", "--set", "width=256", "--set", "height=256",
                                      "--repeat", "4", "--json"], env: ["FLUX_DAILY_BUDGET": "0.5"])
        #expect(repeated.status == 2, "\(repeated.stderr)")
        #expect(try JSONValue.parse(repeated.stdout)["error"]?.stringValue?.contains("0.66 credits for this batch of 4 tasks") == true,
                "\(repeated.stdout)")
        // Above confirm_above, a script must say --yes.
        let asked = try await run(sweep, env: ["FLUX_CONFIRM_ABOVE": "0.3"])
        #expect(asked.status == 2, "\(asked.stderr)")
        #expect(asked.stderr.contains("this batch of 3 tasks is estimated at 0.49 credits, above confirm_above (0.3 credits); pass --yes"),
                "\(asked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))

        // With a budget that holds it, it runs.
        let fits = try await run(sweep + ["--budget", "1", "--wait", "--output", home.appendingPathComponent("out").path])
        #expect(fits.status == 0, "\(fits.stderr)")
        let store = try TaskStore(path: database)
        #expect(try store.tasks(includeHidden: true).count == 3)
        // Its charges count for the next batch: 0.48 spent + 0.48 (learned) > 0.9.
        let next = try await run(sweep + ["--budget", "0.9"])
        #expect(next.status == 2, "\(next.stderr)")
        #expect(next.stderr.contains("spent 0.48 credits today + 0.48 credits for this batch of 3 tasks"), "\(next.stderr)")
        #expect(try store.tasks(includeHidden: true).count == 3)
    }

    @Test func aBatchFileIsSummedTaskByTaskAcrossEndpoints() async throws {
        defer { Fixtures.cleanup(home) }
        // 2 x 0.16 (flux-dev) + 0.26 (flux-pro-1.1, 4 credits per megapixel) = 0.59.
        let file = Fixtures.write(Data("""
            {"endpoint": "flux-dev", "params": {"prompt": "a fox", "width": 256, "height": 256}}
            {"endpoint": "flux-dev", "params": {"prompt": "a cat", "width": 256, "height": 256}}
            {"endpoint": "flux-pro-1.1", "params": {"prompt": "a boat", "width": 256, "height": 256}}
            """.utf8), "mixed.jsonl", in: home)
        let over = try await run(["batch", file.path, "--budget", "0.5"])
        #expect(over.status == 2, "\(over.stderr)")
        #expect(over.stderr.contains("not submitted: over the daily budget: spent 0 credits today + 0.59 credits for this batch of 3 tasks"
                                     + " = 0.59 credits > budget 0.5 credits"), "\(over.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))
        let json = try await run(["batch", file.path, "--json"], env: ["FLUX_CONFIRM_ABOVE": "0.5"])
        #expect(json.status == 2)
        #expect(try JSONValue.parse(json.stdout)["error"]?.stringValue?.contains("above confirm_above (0.5 credits); pass --yes") == true,
                "\(json.stdout)")
        #expect(!FileManager.default.fileExists(atPath: database))
        let bad = try await run(["batch", file.path, "--budget=-1"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--budget must be a number of credits"), "\(bad.stderr)")

        let fits = try await run(["batch", file.path, "--budget", "1", "--yes"], env: ["FLUX_CONFIRM_ABOVE": "0.5"])
        #expect(fits.status == 0, "\(fits.stderr)")
        let store = try TaskStore(path: database)
        #expect(try store.batches().first { $0.title == "mixed.jsonl" }?.taskCount == 3)
    }
}
