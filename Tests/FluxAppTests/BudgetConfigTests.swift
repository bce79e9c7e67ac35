import FluxAPI
import Testing
@testable import FluxApp

/// `daily_budget` and `confirm_above`: read from config.toml, overridden by the environment and
/// `--budget`, and a value that is not a number is an error that names where it came from.
@Suite struct BudgetConfigTests {
    static let file = "/home/u/.config/flux-tui/config.toml"

    @Test func theFileSetsBothLimits() throws {
        let config = try AppConfig.parse("theme = \"light\"\ndaily_budget = 500\nconfirm_above = 12.5\n", file: Self.file)
        #expect(config.dailyBudget == 500 && config.confirmAbove == 12.5)
        #expect(try BudgetSettings.limits(config: config, environment: [:]) == BudgetLimits(dailyBudget: 500, confirmAbove: 12.5))
    }

    @Test func aBudgetThatIsNotANumberNamesTheFileLineAndKey() {
        for (text, needle) in [
            ("theme = \"light\"\ndaily_budget = \"ten\"\n", "\(Self.file):2: 'daily_budget' must be a number of credits, 0 or more (e.g. daily_budget = 50); found \"ten\""),
            ("confirm_above = -3\n", "\(Self.file):1: 'confirm_above' must be a number of credits"),
            ("daily_budget = true\n", "\(Self.file):1: 'daily_budget' must be a number"),
        ] {
            do {
                _ = try AppConfig.parse(text, file: Self.file)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.message.hasPrefix(needle), "\(error.message)")
            }
        }
    }

    @Test func theEnvironmentWinsOverTheFileAndTheFlagOverBoth() throws {
        let config = try AppConfig.parse("daily_budget = 500\nconfirm_above = 10\n", file: Self.file)
        let env = ["FLUX_DAILY_BUDGET": "80", "FLUX_CONFIRM_ABOVE": " 2.5 "]
        #expect(try BudgetSettings.limits(config: config, environment: env) == BudgetLimits(dailyBudget: 80, confirmAbove: 2.5))
        #expect(try BudgetSettings.limits(config: config, environment: env, budget: 7) == BudgetLimits(dailyBudget: 7, confirmAbove: 2.5))
        // An empty variable is unset.
        #expect(try BudgetSettings.limits(config: config, environment: ["FLUX_DAILY_BUDGET": ""]).dailyBudget == 500)
    }

    @Test func aBadVariableOrFlagIsRefusedNamingIt() {
        #expect(throws: BudgetSettings.Problem(message: "FLUX_DAILY_BUDGET=\"lots\" must be a number of credits, 0 or more (e.g. FLUX_DAILY_BUDGET=50)")) {
            try BudgetSettings.limits(config: AppConfig(), environment: ["FLUX_DAILY_BUDGET": "lots"])
        }
        #expect(throws: BudgetSettings.Problem.self) {
            try BudgetSettings.limits(config: AppConfig(), environment: ["FLUX_CONFIRM_ABOVE": "nan"])
        }
        #expect(throws: BudgetSettings.Problem.self) {
            try BudgetSettings.limits(config: AppConfig(), environment: [:], budget: -1)
        }
    }
}
