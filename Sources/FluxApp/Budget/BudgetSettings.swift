import Foundation
import FluxAPI

/// The budget limits in force: `--budget` wins over the environment (`FLUX_DAILY_BUDGET`,
/// `FLUX_CONFIRM_ABOVE`), which wins over config.toml (`daily_budget`, `confirm_above`). A value
/// that is not a number is an error naming where it came from, never ignored: a budget that
/// silently does not apply is worse than none.
public enum BudgetSettings {
    public static let dailyBudgetVariable = "FLUX_DAILY_BUDGET"
    public static let confirmAboveVariable = "FLUX_CONFIRM_ABOVE"

    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { message }
    }

    public static func limits(config: AppConfig, environment: [String: String], budget: Double? = nil) throws(Problem) -> BudgetLimits {
        var limits = BudgetLimits(dailyBudget: config.dailyBudget, confirmAbove: config.confirmAbove)
        if let value = try variable(dailyBudgetVariable, environment) { limits.dailyBudget = value }
        if let value = try variable(confirmAboveVariable, environment) { limits.confirmAbove = value }
        if let budget {
            guard budget.isFinite, budget >= 0 else { throw Problem(message: "--budget must be a number of credits, 0 or more; found \(budget)") }
            limits.dailyBudget = budget
        }
        return limits
    }

    /// An environment variable's credits; nil when unset or empty.
    static func variable(_ name: String, _ environment: [String: String]) throws(Problem) -> Double? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let number = Double(text), number.isFinite, number >= 0 else {
            throw Problem(message: "\(name)=\"\(text)\" must be a number of credits, 0 or more (e.g. \(name)=50)")
        }
        return number
    }
}
