/// The spending limits a user set (`daily_budget`, `confirm_above`, `--budget`), in credits.
public struct BudgetLimits: Sendable, Equatable {
    /// The most a local day's tasks may cost together; nil: no limit.
    public var dailyBudget: Double?
    /// A task estimated above this many credits is submitted only once the user says so.
    public var confirmAbove: Double?

    public init(dailyBudget: Double? = nil, confirmAbove: Double? = nil) {
        self.dailyBudget = dailyBudget
        self.confirmAbove = confirmAbove
    }
}

/// What the budget says about a submit, with the figures the user needs to decide.
public enum BudgetDecision: Sendable, Equatable {
    case allow
    /// Above `confirm_above`: submit only if the user agrees.
    case ask(BudgetQuestion)
    /// Over the day's budget: do not submit.
    case refuse(BudgetRefusal)
}

public struct BudgetQuestion: Sendable, Equatable, CustomStringConvertible {
    public let what: String
    public let estimate: Double
    public let threshold: Double

    public init(what: String, estimate: Double, threshold: Double) {
        (self.what, self.estimate, self.threshold) = (what, estimate, threshold)
    }

    /// "this task is estimated at 24 credits, above confirm_above (10 credits)"
    public var description: String {
        "\(what) is estimated at \(Credits.text(estimate)), above confirm_above (\(Credits.text(threshold)))"
    }
}

public struct BudgetRefusal: Sendable, Equatable, CustomStringConvertible {
    public let what: String
    public let spent: Double
    public let estimate: Double
    public let budget: Double
    /// The estimates of tasks sent off but not charged yet (queued under the active limit).
    public let queued: Double

    public init(what: String, spent: Double, estimate: Double, budget: Double, queued: Double = 0) {
        (self.what, self.spent, self.estimate, self.budget, self.queued) = (what, spent, estimate, budget, queued)
    }

    /// "over the daily budget: spent 8 credits today + 4 credits for this task = 12 credits > budget 10 credits"
    /// (with "+ 2 credits queued" after today's figure when tasks wait for their charge).
    public var description: String {
        "over the daily budget: spent \(Credits.text(spent)) today"
            + (queued > 0 ? " + \(Credits.text(queued)) queued" : "")
            + " + \(Credits.text(estimate)) for \(what) = \(Credits.text(spent + queued + estimate)) > budget \(Credits.text(budget))"
    }
}

/// The one budget check, run before every submit (app, `submit`, `finetune create`, batches).
/// Pure: the caller brings today's spend (from the task database) and the estimate.
public enum BudgetGuard {
    /// `estimate` nil (no figure for the task) counts as 0: a day already over its budget still
    /// refuses, and nothing is asked. Refusing wins over asking. `queued`: the estimates of tasks
    /// submitted but not charged yet, which count as spent.
    public static func check(spentToday: Double, queued: Double = 0, estimate: Double?, limits: BudgetLimits,
                             what: String = "this task") -> BudgetDecision {
        let cost = max(0, estimate ?? 0)
        let committed = spentToday + max(0, queued)
        if let budget = limits.dailyBudget, committed + cost > budget || (estimate == nil && committed >= budget) {
            return .refuse(BudgetRefusal(what: what, spent: spentToday, estimate: cost, budget: budget, queued: max(0, queued)))
        }
        if let threshold = limits.confirmAbove, let estimate, estimate > threshold {
            return .ask(BudgetQuestion(what: what, estimate: estimate, threshold: threshold))
        }
        return .allow
    }

    /// How a check names a batch, checked as one sum: "this batch of 24 tasks".
    public static func batch(of count: Int) -> String {
        "this batch of \(count) task\(count == 1 ? "" : "s")"
    }
}

/// Credits as people read them: "1 credit", "2.5 credits", rounded to the cent.
public enum Credits {
    public static func text(_ credits: Double) -> String {
        let rounded = (credits * 100).rounded() / 100
        return "\(FieldSpec.format(rounded)) credit\(rounded == 1 ? "" : "s")"
    }
}
