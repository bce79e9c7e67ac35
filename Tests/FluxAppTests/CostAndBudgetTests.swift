import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import Testing
@testable import FluxApp

/// Cost before submit and budgets in the app, headless: the form's cost line follows what is typed,
/// the balance sits beside it, a task above `confirm_above` waits for a dialog, and one over the
/// day's budget is refused with the figures while nothing is submitted.
@Suite struct CostAndBudgetTests {
    typealias H = AppHarness

    /// Noon of the harness's day, so "today" holds whatever the machine's time zone.
    static let noon = H.epoch.addingTimeInterval(12 * 3600)

    static func form(_ endpoint: String = "flux-dev", limits: BudgetLimits = BudgetLimits()) -> AppState {
        var state = H.formState(endpoint, width: 140)
        state.now = noon
        state.spending.limits = limits
        return state
    }

    static func charged(_ id: String, cost: Double, at date: Date, width: Int = 1000, height: Int = 1000) -> TaskEntry {
        TaskEntry(id: id, remoteID: "r-\(id)", endpoint: "flux-dev",
                  parameters: TaskParameters(["prompt": .text("p"), "width": .integer(width), "height": .integer(height)]),
                  phase: .done, cost: cost, createdAt: date, submittedAt: date)
    }

    static func queuedCopy(_ task: TaskEntry, id: String) -> TaskEntry {
        var copy = task
        copy.id = id
        return copy
    }

    @Test func theCostLineFollowsWhatIsTypedAndSaysEstimateUntilLearned() {
        var state = Self.form()
        // flux-dev's default 1024x768 at the table's 2.5 credits per megapixel.
        #expect(H.screen(state).contains("cost ~1.97 credits (estimate)"), "\(H.screen(state))")
        H.fill("width", "512", &state)
        H.fill("height", "512", &state)
        #expect(H.screen(state).contains("cost ~0.66 credits (estimate)"))
        // Once a charge of the endpoint is known, the figure is learned: no "estimate".
        _ = AppUpdate.update(&state, .tasksLoaded([Self.charged("a", cost: 4, at: Self.noon.addingTimeInterval(-60))]))
        #expect(H.screen(state).contains("cost 1.05 credits"), "\(H.screen(state))")
        #expect(!H.screen(state).contains("(estimate)"))
    }

    @Test func theComposerShowsTheTrainingsEstimate() {
        var state = H.state(width: 160)
        state.screen = .composer
        // 300 iterations by default, at the table's 0.1 credits each.
        #expect(H.screen(state).contains("cost ~30 credits (estimate)"), "\(H.screen(state))")
        state.composer.focus = .fields
        state.composer.form.setText("100", for: "iterations")
        #expect(H.screen(state).contains("cost ~10 credits (estimate)"))
    }

    @Test func theBalanceIsShownBesideTheCost() {
        var state = Self.form()
        #expect(!H.screen(state).contains("balance"))
        _ = AppUpdate.update(&state, .credits(998.5))
        let row = H.rows(state).first { $0.contains("cost ~") } ?? ""
        #expect(row.contains("cost ~1.97 credits (estimate) · balance 998.5 credits"), "\(row)")
        // On a narrow screen with a problem to fix, the problem stays whole and the cost keeps its place.
        var narrow = H.formState("flux-dev", width: 80, height: 30)
        _ = AppUpdate.update(&narrow, .credits(998.5))
        H.fill("width", "1000", &narrow)
        let status = H.rows(narrow).first { $0.contains("to fix before submitting") } ?? ""
        #expect(status.contains("✗ 1 problem to fix before submitting") && status.contains("cost ~1.92 credits (estimate)"), "\(status)")
        #expect(!status.contains("balance"))
    }

    @Test func aTaskAcceptedByTheServerRefreshesTheBalanceAndTeachesTheEstimate() {
        var state = Self.form()
        var task = Self.charged("t", cost: 2, at: Self.noon)
        task.remoteID = nil
        task.cost = nil
        task.phase = .submitting
        #expect(AppUpdate.update(&state, .taskUpdated(task)).isEmpty)
        task.remoteID = "r-t"
        task.cost = 2
        task.phase = .running
        #expect(AppUpdate.update(&state, .taskUpdated(task)) == [.refreshCredits])
        #expect(state.costEstimator.estimate(H.endpoint("flux-dev"), task.parameters)?.source == .learned(samples: 1))
        #expect(state.spending.spentToday(now: Self.noon) == 2)
        // The same task again is not counted twice.
        task.phase = .done
        _ = AppUpdate.update(&state, .taskUpdated(task))
        #expect(state.spending.spentToday(now: Self.noon) == 2)
    }

    @Test func aboveConfirmAboveADialogAsksAndOnlySubmitDoes() throws {
        var state = Self.form(limits: BudgetLimits(confirmAbove: 1))
        H.fill("prompt", "a fox", &state)
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        guard case .confirmSpend(let dialog, let pending)? = state.overlay else {
            Issue.record("no confirmation dialog")
            return
        }
        #expect(state.screen == .form)
        #expect(dialog.message == "This task is estimated at 1.97 credits, above confirm_above (1 credit).")
        #expect(H.screen(state).contains("Submit?"))
        #expect(H.screen(state).contains("This task is estimated at 1.97 credits"), "\(H.screen(state))")
        // Cancel (the default button) submits nothing.
        #expect(H.send(&state, .enter).isEmpty)
        #expect(state.overlay == nil && state.screen == .form)
        // Again, and Submit.
        _ = H.send(&state, .ctrl("s"))
        let effects = H.send(&state, [.right, .enter])
        #expect(effects == pending.effects)
        #expect(effects == [.submit(H.endpoint("flux-dev"), TaskParameters(["prompt": .text("a fox")]))])
        #expect(state.screen == .tasks)
    }

    @Test func overTheDaysBudgetNothingIsSubmittedAndTheFiguresAreShown() {
        var state = Self.form(limits: BudgetLimits(dailyBudget: 5, confirmAbove: 1))
        // Today's charges from the database (a hidden task counts), and one from yesterday that does not.
        _ = AppUpdate.update(&state, .chargesLoaded([
            TaskCharge(id: "hidden", endpoint: "flux-dev", cost: 4, chargedAt: Self.noon.addingTimeInterval(-3600)),
            TaskCharge(id: "old", endpoint: "flux-dev", cost: 50, chargedAt: Self.noon.addingTimeInterval(-2 * 86400)),
        ]))
        H.fill("prompt", "a fox", &state)
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        #expect(state.overlay == nil)
        #expect(state.screen == .form)
        let error = state.lastError ?? ""
        #expect(error.contains("spent 4 credits today + 1.97 credits for this task = 5.97 credits > budget 5 credits"), "\(error)")
        #expect(H.screen(state).contains("over the daily budget"))
        // Tasks still queued (no charge yet) count at their estimate.
        var queuedState = Self.form(limits: BudgetLimits(dailyBudget: 5))
        var waiting = Self.charged("q", cost: 0, at: Self.noon)
        (waiting.cost, waiting.phase, waiting.remoteID) = (nil, .queued, nil)
        _ = AppUpdate.update(&queuedState, .taskUpdated(waiting))
        _ = AppUpdate.update(&queuedState, .taskUpdated(waiting))
        H.fill("prompt", "a fox", &queuedState)
        #expect(H.send(&queuedState, .ctrl("s")) == [.submit(H.endpoint("flux-dev"), TaskParameters(["prompt": .text("a fox")]))])
        _ = AppUpdate.update(&queuedState, .taskUpdated(Self.queuedCopy(waiting, id: "q2")))
        queuedState.screen = .form
        #expect(H.send(&queuedState, .ctrl("s")).isEmpty)
        #expect(queuedState.lastError?.contains("spent 0 credits today + 5 credits queued + 1.97 credits for this task = 6.97 credits > budget 5 credits") == true,
                "\(queuedState.lastError ?? "")")
        // A rerun from the task list is checked too.
        var list = H.tasksState(tasks: [Self.charged("x", cost: 2, at: Self.noon)])
        list.now = Self.noon
        list.spending = state.spending
        _ = AppUpdate.update(&list, .tasksLoaded([Self.charged("x", cost: 2, at: Self.noon)]))
        #expect(H.send(&list, .char("r")).isEmpty)
        #expect(list.lastError?.contains("over the daily budget") == true)
    }

    @Test func theSpendReportIsInThePaletteAndShowsDaysAndEndpoints() throws {
        var state = H.tasksState(tasks: [])
        H.send(&state, .char(":"))
        H.type("spend", &state)
        guard case .palette(let list)? = state.overlay else {
            Issue.record("no palette")
            return
        }
        #expect(list.selectedItem?.title.hasPrefix("Spend report") == true)
        #expect(H.send(&state, .enter) == [.loadSpendReport])
        let calendar = Calendar(identifier: .gregorian)
        var utc = calendar
        utc.timeZone = TimeZone(identifier: "UTC")!
        let report = SpendReport(charges: [
            TaskCharge(id: "1", endpoint: "flux-dev", cost: 2.5, chargedAt: H.epoch.addingTimeInterval(-3600)),
            TaskCharge(id: "2", endpoint: "flux-pro-1.1", cost: 4, chargedAt: H.epoch.addingTimeInterval(3600)),
            TaskCharge(id: "3", endpoint: "flux-dev", cost: 1, chargedAt: H.epoch.addingTimeInterval(7200)),
        ], calendar: utc)
        #expect(report.total == 7.5)
        #expect(report.days.map(\.date) == ["2026-01-01", "2025-12-31"])
        #expect(report.days[0].credits == 5 && report.days[1].credits == 2.5)
        #expect(report.endpoints.map(\.endpoint) == ["flux-pro-1.1", "flux-dev"])
        _ = AppUpdate.update(&state, .spendReportLoaded(report))
        let screen = H.screen(state)
        for needle in ["Spend report", "Total: 7.5 credits", "2026-01-01: 5 credits", "2025-12-31: 2.5 credits", "flux-pro-1.1", "1 task"] {
            #expect(screen.contains(needle), "missing \(needle) in\n\(screen)")
        }
        #expect(SpendReport(charges: []).lines == ["No task has been charged yet."])
    }
}
