import ArgumentParser
import FluxAPI
import FluxApp
import Foundation

/// `--budget` and `--yes` for every command that submits (`submit`, `finetune create`, batches).
/// Call `limits()` first thing (a budget that is not a number stops the command), then
/// `refusal(estimate:limits:what:)` just before submitting.
struct BudgetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Today's budget in credits for this command (default: FLUX_DAILY_BUDGET, else daily_budget in config.toml).",
                                            valueName: "credits"))
    var budget: Double?

    @Flag(name: .long, help: "Submit without asking when the estimate is above confirm_above.")
    var yes = false

    /// The limits in force: --budget, else the environment, else config.toml. Throws a
    /// `FluxError.configuration` naming the file and key (or variable) of a value that is not a number.
    func limits(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BudgetLimits {
        do {
            return try BudgetSettings.limits(config: try Settings.config(), environment: environment, budget: budget)
        } catch let problem as BudgetSettings.Problem {
            throw FluxError.configuration(problem.message)
        }
    }

    /// Nil when the submit may go ahead; else why not, with the figures. Over the day's budget
    /// refuses; above confirm_above asks on the terminal (stdin and stderr a tty), goes ahead with
    /// --yes, and refuses otherwise (a script must say --yes). `estimate` is in credits.
    func refusal(estimate: Double?, limits: BudgetLimits, what: String = "this task") -> String? {
        guard limits.dailyBudget != nil || limits.confirmAbove != nil else { return nil }
        let spent: Double
        do { spent = try CommandLineSpend.spentToday() } catch {
            guard limits.dailyBudget == nil else { return "cannot check the daily budget: \(error)" }
            spent = 0
        }
        switch BudgetGuard.check(spentToday: spent, estimate: estimate, limits: limits, what: what) {
        case .allow:
            return nil
        case .refuse(let refusal):
            return refusal.description
        case .ask(let question):
            if yes { return nil }
            guard isatty(STDIN_FILENO) == 1, Console.stderrIsTerminal else { return "\(question); pass --yes to submit it" }
            FileHandle.standardError.write(Data("flux-tui: \(question). Submit? [y/N] ".utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            return answer == "y" || answer == "yes" ? nil : "not confirmed"
        }
    }
}
