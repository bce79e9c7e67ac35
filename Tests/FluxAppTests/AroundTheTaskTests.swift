import FluxAPI
import Foundation
import TaskStore
import Testing
import TerminalKit
@testable import FluxApp

private typealias H = AppHarness

/// Issue 17's features in the app: copy as curl, prompt history, compare, notifications.
@Suite struct AroundTheTaskTests {
    @Test func yOffersTheCurlCommandOfTheSelectedTask() throws {
        var state = H.tasksState()
        state.server.url = URL(string: "http://127.0.0.1:9999")
        let task = try #require(state.tasks.selected)
        H.send(&state, .char("y"))
        guard case .copyMenu(_, let list)? = state.overlay else {
            Issue.record("no copy menu")
            return
        }
        let index = try #require(list.items.firstIndex { $0.id == "curl" })
        for _ in 0..<index { H.send(&state, .down) }
        let effects = H.send(&state, .enter)
        let expected = CurlCommand.make(H.endpoint(task.endpoint), task.parameters, serverURL: URL(string: "http://127.0.0.1:9999")!)
        #expect(effects == [.copy(expected, what: "curl command")])
        #expect(expected.contains("http://127.0.0.1:9999/v1/\(task.endpoint)"))
    }

    // MARK: prompt history

    static func task(_ prompt: String, _ minute: Double) -> TaskEntry {
        TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text(prompt)]), phase: .done,
                  createdAt: H.epoch.addingTimeInterval(minute * 60))
    }

    @Test func theHistoryHoldsEachPromptOnceNewestFirst() {
        var history = PromptHistory(tasks: [Self.task("b", 2), Self.task("a", 1), Self.task("c", 3), Self.task("a", 4)])
        #expect(history.prompts == ["a", "c", "b"])
        history.add("b")
        #expect(history.prompts == ["b", "a", "c"])
        history.add("")
        #expect(history.prompts == ["b", "a", "c"])
    }

    static func formWithHistory() -> AppState {
        var state = H.formState("flux-dev")
        _ = AppUpdate.update(&state, .promptHistoryLoaded(PromptHistory(tasks: [Self.task("old lighthouse", 1), Self.task("new harbour", 2)])))
        H.focus("prompt", &state)
        return state
    }

    @Test func upAndDownWalkEarlierPromptsAndComeBackToWhatWasTyped() {
        var state = Self.formWithHistory()
        H.type("draft", &state)
        H.send(&state, .up)
        #expect(H.fieldText("prompt", state) == "new harbour")
        H.send(&state, .up)
        #expect(H.fieldText("prompt", state) == "old lighthouse")
        H.send(&state, .up)
        #expect(H.fieldText("prompt", state) == "old lighthouse")
        #expect(state.form?.form.focusedField?.id == "prompt")
        H.send(&state, .down)
        #expect(H.fieldText("prompt", state) == "new harbour")
        H.send(&state, .down)
        #expect(H.fieldText("prompt", state) == "draft")
        H.send(&state, .down)
        #expect(state.form?.form.focusedField?.id != "prompt")
    }

    @Test func typingEndsTheWalk() {
        var state = Self.formWithHistory()
        H.send(&state, .up)
        H.type(" again", &state)
        #expect(H.fieldText("prompt", state) == "new harbour again")
        H.send(&state, .down)
        #expect(state.form?.form.focusedField?.id != "prompt")
    }

    @Test func ctrlRSearchesEarlierPrompts() {
        var state = Self.formWithHistory()
        H.send(&state, .ctrl("r"))
        guard case .promptSearch? = state.overlay else {
            Issue.record("no search")
            return
        }
        H.type("light", &state)
        #expect(H.screen(state).contains("old lighthouse"))
        #expect(!H.screen(state).contains("new harbour"))
        H.send(&state, .enter)
        #expect(state.overlay == nil)
        #expect(H.fieldText("prompt", state) == "old lighthouse")
    }

    @Test func ctrlROffThePromptStillClearsTheSeed() {
        var state = Self.formWithHistory()
        H.focus("seed", &state)
        H.type("42", &state)
        H.send(&state, .ctrl("r"))
        #expect(state.overlay == nil)
        #expect(H.fieldText("seed", state) == "")
    }

    @Test func aSubmittedPromptJoinsTheHistoryAtOnce() {
        var state = Self.formWithHistory()
        _ = AppUpdate.update(&state, .taskUpdated(Self.task("brand new", 3)))
        #expect(state.promptHistory.prompts.first == "brand new")
        // The stored history arriving later keeps it first.
        _ = AppUpdate.update(&state, .promptHistoryLoaded(PromptHistory(tasks: [Self.task("stored", 0)])))
        #expect(state.promptHistory.prompts.first == "brand new")
        #expect(state.promptHistory.prompts.contains("stored"))
    }

    // MARK: notifications

    static func ending(_ phase: TaskPhase, ranFor seconds: Double, error: String? = nil) -> (TaskEntry, TaskEntry) {
        let start = H.epoch
        let running = TaskEntry(id: "n1", remoteID: "r1", endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("a long one")]),
                                phase: .running, createdAt: start, submittedAt: start)
        var ended = running
        ended.phase = phase
        ended.error = error
        ended.finishedAt = start.addingTimeInterval(seconds)
        return (running, ended)
    }

    @Test func aTaskThatRanLongerThanNotifyAfterIsAnnouncedWhenItEnds() {
        var state = H.tasksState(tasks: [])
        state.notifications = NotificationSettings(style: .osc777, after: 30)
        let (running, ended) = Self.ending(.done, ranFor: 45)
        #expect(AppUpdate.update(&state, .taskUpdated(running)).isEmpty)
        let effects = AppUpdate.update(&state, .taskUpdated(ended))
        #expect(effects == [.notify(TerminalNotification(title: "flux-tui: flux-dev ready", body: "“a long one”"), .osc777)])
        // Updates after the end announce nothing more.
        #expect(AppUpdate.update(&state, .taskUpdated(ended)).isEmpty)
    }

    @Test func quickTasksAndOffAnnounceNothingFailuresSayWhy() {
        var state = H.tasksState(tasks: [])
        state.notifications = NotificationSettings(style: .bell, after: 30)
        let (quick, quickEnd) = Self.ending(.done, ranFor: 5)
        _ = AppUpdate.update(&state, .taskUpdated(quick))
        #expect(AppUpdate.update(&state, .taskUpdated(quickEnd)).isEmpty)
        let (slow, failed) = Self.ending(.failed, ranFor: 60, error: "Content moderated by the server")
        var failing = slow
        failing.id = "n2"
        var failedEnd = failed
        failedEnd.id = "n2"
        _ = AppUpdate.update(&state, .taskUpdated(failing))
        #expect(AppUpdate.update(&state, .taskUpdated(failedEnd))
                == [.notify(TerminalNotification(title: "flux-tui: flux-dev failed", body: "Content moderated by the server"), .bell)])
        state.notifications.style = .off
        var third = slow
        third.id = "n3"
        var thirdEnd = failed
        thirdEnd.id = "n3"
        _ = AppUpdate.update(&state, .taskUpdated(third))
        #expect(AppUpdate.update(&state, .taskUpdated(thirdEnd)).isEmpty)
    }

    @Test func notifySettingsAreCheckedAtStartUp() throws {
        for (text, needle) in [("notify = \"loud\"", "'notify' must be one of auto, osc9, osc777, bell, off"),
                               ("notify_after = \"soon\"", "'notify_after' must be a number of seconds"),
                               ("notify_after = -1", "'notify_after' must be a number of seconds")] {
            do throws(AppConfig.LoadError) {
                _ = try AppConfig.parse(text, file: "c.toml")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.message.contains(needle), "\(error.message)")
            }
        }
        #expect(try AppConfig.parse("notify = \"auto\"\nnotify_after = 2.5", file: "c.toml").notifyAfter == 2.5)
        #expect(try AppConfig.parse("notify = \"osc9\"", file: "c.toml").notify == .osc9)
    }
}
