import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import Testing
@testable import FluxApp

/// The budget on the app's batches (issue 17 §2): a form's sweep and a batch rerun go through
/// `SpendGate` with the whole batch's estimate as one sum. Over the day's budget nothing is sent
/// and no question is asked; above confirm_above a dialog asks; a batch that is also larger than
/// confirm_tasks_above asks once, saying both.
@Suite struct BatchBudgetTests {
    typealias H = AppHarness

    /// flux-dev's form sweeping `seed` over `spec` (each task ~1.97 credits by the price table).
    static func sweep(_ spec: String, limits: BudgetLimits) -> AppState {
        var state = BatchInAppTests.sweptForm(spec)
        state.spending.limits = limits
        return state
    }

    @Test func aSweepOverTheBudgetIsRefusedWithTheFiguresAndNothingIsSent() throws {
        var state = Self.sweep("1..3", limits: BudgetLimits(dailyBudget: 5, confirmAbove: 1))
        let credits = try #require(state.sweepForecast?.credits?.credits)
        #expect(credits > 5)
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        #expect(state.overlay == nil && state.screen == .form)
        let error = state.lastError ?? ""
        #expect(error.contains("Not submitted: over the daily budget: spent 0 credits today + \(Credits.text(credits)) for this batch of 3 tasks"),
                "\(error)")
        #expect(H.screen(state).contains("over the daily budget"))

        // Larger than confirm_tasks_above too: refused at once, without asking about its size first.
        var large = Self.sweep("1..25", limits: BudgetLimits(dailyBudget: 5))
        #expect(H.send(&large, .ctrl("s")).isEmpty)
        #expect(large.overlay == nil)
        #expect(large.lastError?.contains("for this batch of 25 tasks") == true, "\(large.lastError ?? "")")
    }

    @Test func aSweepAboveConfirmAboveAsksAndOnlySubmitSends() throws {
        var state = Self.sweep("1..3", limits: BudgetLimits(confirmAbove: 1))
        let credits = try #require(state.sweepForecast?.credits?.credits)
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        guard case .confirmSpend(let dialog, _)? = state.overlay else {
            Issue.record("no confirmation: \(String(describing: state.overlay))")
            return
        }
        #expect(dialog.message == "This batch of 3 tasks is estimated at \(Credits.text(credits)), above confirm_above (1 credit).")
        // Cancel (the default) sends nothing.
        #expect(H.send(&state, .enter).isEmpty)
        #expect(state.overlay == nil && state.screen == .form)
        H.send(&state, .ctrl("s"))
        let effects = H.send(&state, [.right, .enter])
        guard case .submitBatch(let batch)? = effects.first, effects.count == 1 else {
            Issue.record("not sent: \(effects)")
            return
        }
        #expect(batch.taskCount == 3)
        #expect(state.screen == .tasks)

        // Under confirm_above and the budget: sent at once.
        var cheap = Self.sweep("1..3", limits: BudgetLimits(dailyBudget: 100, confirmAbove: 10))
        #expect(H.send(&cheap, .ctrl("s")).count == 1)
    }

    @Test func aLargeSweepAboveConfirmAboveAsksOnceSayingBoth() throws {
        var state = Self.sweep("1..25", limits: BudgetLimits(dailyBudget: 1000, confirmAbove: 10))
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        guard case .confirmBatch(_, let dialog)? = state.overlay else {
            Issue.record("no confirmation: \(String(describing: state.overlay))")
            return
        }
        #expect(dialog.message.contains("confirm_tasks_above"), "\(dialog.message)")
        #expect(dialog.message.contains("This batch of 25 tasks is estimated at"), "\(dialog.message)")
        #expect(dialog.message.contains("above confirm_above (10 credits)."), "\(dialog.message)")
        let screen = H.screen(state)
        #expect(screen.contains("Submit 25 tasks?") && screen.contains("confirm_above (10 credits)."), "\(screen)")
        // Esc sends nothing; its Submit button sends the batch, with no second question.
        #expect(H.send(&state, .escape).isEmpty)
        #expect(state.overlay == nil && state.screen == .form)
        H.send(&state, .ctrl("s"))
        let effects = H.send(&state, .char("s"))
        guard case .submitBatch(let sent)? = effects.first, effects.count == 1 else {
            Issue.record("not sent: \(effects)")
            return
        }
        #expect(sent.taskCount == 25)
        #expect(state.overlay == nil && state.screen == .tasks)
    }

    @Test func tasksStillQueuedCountBeforeTheBatchDialogAsks() throws {
        // 25 tasks (~49.15 credits) fit a budget of 60 alone, and would ask once (confirm_above 10)...
        var state = Self.sweep("1..25", limits: BudgetLimits(dailyBudget: 60, confirmAbove: 10))
        // ...but 20 tasks queued, not charged yet (~0.66 credits each), take the day past it.
        let queued = (0..<20).map { H.task("q\($0)", prompt: "queued", phase: .queued, createdSecondsAgo: Double($0)) }
        _ = AppUpdate.update(&state, .tasksLoaded(queued))
        #expect(H.send(&state, .ctrl("s")).isEmpty)
        #expect(state.overlay == nil, "no question for a batch the budget refuses")
        #expect(state.lastError?.contains("queued + 49.15 credits for this batch of 25 tasks") == true, "\(state.lastError ?? "")")
    }

    @Test func aBatchRerunOverTheBudgetIsRefusedAndAboveConfirmAboveAsks() throws {
        var state = BatchInAppTests.groupedState()
        #expect(state.tasks.selectedBatch != nil)
        state.spending.limits = BudgetLimits(dailyBudget: 1)
        for key: Character in ["r", "R"] {
            state.lastError = nil
            #expect(H.send(&state, .char(key)).isEmpty, "\(key) sent the batch")
            #expect(state.overlay == nil)
            #expect(state.lastError?.contains("over the daily budget") == true, "\(state.lastError ?? "")")
            #expect(state.lastError?.contains("for this batch of 3 tasks") == true, "\(state.lastError ?? "")")
        }
        state.spending.limits = BudgetLimits(confirmAbove: 1)
        #expect(H.send(&state, .char("r")).isEmpty)
        guard case .confirmSpend(let dialog, let pending)? = state.overlay else {
            Issue.record("no confirmation: \(String(describing: state.overlay))")
            return
        }
        #expect(dialog.message.hasPrefix("This batch of 3 tasks is estimated at"), "\(dialog.message)")
        let effects = H.send(&state, [.right, .enter])
        #expect(effects == pending.effects)
        guard case .submitBatch(let batch)? = effects.first else {
            Issue.record("not sent: \(effects)")
            return
        }
        #expect(batch.taskCount == 3)
    }
}
