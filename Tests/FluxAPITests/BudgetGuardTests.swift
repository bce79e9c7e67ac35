import FluxAPI
import Testing

/// The budget check every submit goes through: allow, ask above `confirm_above`, refuse over the
/// day's budget with the figures.
@Suite struct BudgetGuardTests {
    @Test func noLimitsAllowAnything() {
        #expect(BudgetGuard.check(spentToday: 1_000_000, estimate: 500, limits: BudgetLimits()) == .allow)
    }

    @Test func overTheDaysBudgetRefusesWithTheFigures() throws {
        let limits = BudgetLimits(dailyBudget: 10)
        #expect(BudgetGuard.check(spentToday: 6, estimate: 4, limits: limits) == .allow)  // exactly the budget is fine
        let decision = BudgetGuard.check(spentToday: 8, estimate: 4, limits: limits)
        guard case .refuse(let refusal) = decision else {
            Issue.record("expected a refusal, got \(decision)")
            return
        }
        #expect(refusal == BudgetRefusal(what: "this task", spent: 8, estimate: 4, budget: 10))
        #expect(refusal.description == "over the daily budget: spent 8 credits today + 4 credits for this task = 12 credits > budget 10 credits")
    }

    @Test func queuedTasksCountAtTheirEstimate() {
        let limits = BudgetLimits(dailyBudget: 10)
        #expect(BudgetGuard.check(spentToday: 3, queued: 3, estimate: 4, limits: limits) == .allow)
        guard case .refuse(let refusal) = BudgetGuard.check(spentToday: 3, queued: 5, estimate: 4, limits: limits) else {
            Issue.record("queued tasks must count")
            return
        }
        #expect(refusal.description == "over the daily budget: spent 3 credits today + 5 credits queued + 4 credits for this task = 12 credits > budget 10 credits")
    }

    @Test func aboveConfirmAboveAsks() {
        let limits = BudgetLimits(dailyBudget: 100, confirmAbove: 5)
        #expect(BudgetGuard.check(spentToday: 0, estimate: 5, limits: limits) == .allow)
        let decision = BudgetGuard.check(spentToday: 0, estimate: 24, limits: limits, what: "this fine-tune")
        #expect(decision == .ask(BudgetQuestion(what: "this fine-tune", estimate: 24, threshold: 5)))
        if case .ask(let question) = decision {
            #expect(question.description == "this fine-tune is estimated at 24 credits, above confirm_above (5 credits)")
        }
    }

    @Test func refusingWinsOverAsking() {
        let limits = BudgetLimits(dailyBudget: 10, confirmAbove: 1)
        guard case .refuse = BudgetGuard.check(spentToday: 0, estimate: 11, limits: limits) else {
            Issue.record("over the budget must refuse even above confirm_above")
            return
        }
    }

    @Test func withoutAnEstimateADayAlreadySpentStillRefuses() {
        let limits = BudgetLimits(dailyBudget: 10, confirmAbove: 1)
        #expect(BudgetGuard.check(spentToday: 3, estimate: nil, limits: limits) == .allow)
        guard case .refuse(let refusal) = BudgetGuard.check(spentToday: 10, estimate: nil, limits: limits) else {
            Issue.record("a day at its budget refuses a task of unknown cost")
            return
        }
        #expect(refusal.estimate == 0)
        // A budget of 0 refuses everything.
        guard case .refuse = BudgetGuard.check(spentToday: 0, estimate: 0.5, limits: BudgetLimits(dailyBudget: 0)) else {
            Issue.record("a budget of 0 refuses")
            return
        }
    }

    @Test func creditsAreSingularOnlyForOne() {
        #expect(Credits.text(1) == "1 credit")
        #expect(Credits.text(0) == "0 credits")
        #expect(Credits.text(2.5) == "2.5 credits")
        #expect(Credits.text(1.004) == "1 credit")  // rounded to the cent first
        #expect(CostEstimator.Estimate(credits: 1, source: .learned(samples: 2)).text == "1 credit")
        #expect(CostEstimator.Estimate(credits: 1, source: .priceTable).text == "~1 credit (estimate)")
        #expect(CostEstimator.Estimate(credits: 12.346, source: .priceTable).text == "~12.35 credits (estimate)")
    }
}
