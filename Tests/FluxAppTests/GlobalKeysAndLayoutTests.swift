import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import Testing
@testable import FluxApp

/// Keys that work on every screen, the status bar, and drawing at every size.
@Suite struct GlobalKeysAndLayoutTests {
    typealias H = AppHarness

    /// A state on each screen, with tasks loaded and a form open.
    static func state(on screen: Screen, width: Int = 120, height: Int = 40) -> AppState {
        var state = H.tasksState(width: width, height: height)
        state.form = FormState(endpoint: EndpointRegistry.endpoint(named: "flux-dev")!)
        state.screen = screen
        return state
    }

    // MARK: help

    @Test(arguments: [Screen.picker, .form, .tasks])
    func questionMarkOrF1OpensHelpListingEveryBindingOfTheScreen(_ screen: Screen) throws {
        var state = Self.state(on: screen)
        if screen == .form { H.focus("output_format", &state) }  // "?" types into text fields
        H.send(&state, .char("?"))
        guard case .help(let help)? = state.overlay else {
            Issue.record("no help on \(screen)")
            return
        }
        let expected = ActionCatalog.help(for: state).bindings
        #expect(help.bindings == expected)
        #expect(help.title == ["picker": "Endpoint picker keys", "form": "Form keys", "tasks": "Task list keys"][screen.rawValue])
        var text = H.screen(state)
        #expect(text.contains(help.title))
        // The list scrolls: read it page by page.
        var scrolled = state
        for _ in 0..<6 {
            H.send(&scrolled, .pageDown)
            text += H.screen(scrolled)
        }
        for binding in expected {
            #expect(text.contains(binding.description), "\(screen): '\(binding.description)' not shown")
            #expect(text.contains(binding.label), "\(screen): '\(binding.label)' not shown")
        }
        // Esc closes it; F1 opens it too, and closes it again.
        H.send(&state, .escape)
        #expect(state.overlay == nil)
        H.send(&state, .function(1))
        if case .help? = state.overlay {} else { Issue.record("F1 did not open help on \(screen)") }
        H.send(&state, .function(1))
        #expect(state.overlay == nil)
    }

    @Test func theHelpOverlaySwallowsTheKeyThatClosesIt() {
        for key in [KeyEvent.escape, .char("?"), .char("q"), .enter, .function(1)] {
            var state = Self.state(on: .tasks)
            H.send(&state, .char("?"))
            let effects = H.send(&state, key)
            #expect(state.overlay == nil, "\(key) did not close the help")
            #expect(effects.isEmpty, "\(key) closing the help also acted: \(effects)")
            #expect(!state.quitting)
            #expect(state.tasks.showDetail, "\(key) reached the task list")
        }
    }

    @Test
    func anyOtherKeyClosesTheHelpToo() {
        for key in [KeyEvent.char("x"), .char("1"), .tab, .left, .ctrl("s")] {
            var state = Self.state(on: .tasks)
            H.send(&state, .char("?"))
            let effects = H.send(&state, key)
            #expect(state.overlay == nil, "\(key) did not close the help")
            #expect(effects.isEmpty)
            #expect(state.tasks.all.count == 5, "\(key) reached the task list")
        }
    }

    @Test
    func theHelpListsOnlyKeysThatWorkOnTheScreen() {
        // In a form, q types a letter (or picks a choice); only Ctrl-C quits there.
        let quit = ActionCatalog.help(for: Self.state(on: .form)).bindings.first { $0.keys.contains(.ctrl("c")) }
        #expect(quit?.label == "Ctrl-C")
        #expect(quit?.keys == [.ctrl("c")])
        var state = Self.state(on: .form)
        for field in ["output_format", "prompt"] {
            H.focus(field, &state)
            H.send(&state, .char("q"))
            #expect(state.overlay == nil)
            #expect(!state.quitting)
        }
    }

    @Test
    func escOnTheTaskListClosesTheDetailPaneAsTheHelpSays() {
        let esc = ActionCatalog.help(for: Self.state(on: .tasks)).bindings.filter { $0.keys == [.escape] }.map(\.description)
        #expect(esc.contains("Close the detail pane"))
        var state = Self.state(on: .tasks)
        #expect(state.tasks.showDetail)
        H.send(&state, .escape)
        #expect(state.screen == .tasks)
        #expect(!state.tasks.showDetail)
    }

    // MARK: quit

    @Test func qWithNoActiveWorkQuits() {
        var state = H.state()
        _ = AppUpdate.update(&state, .tasksLoaded([H.task("t", prompt: "p", phase: .done, createdSecondsAgo: 9)]))
        #expect(H.send(&state, .char("q")) == [.quit])
        #expect(state.quitting)
        var tasks = Self.state(on: .picker)
        // Running tasks on a real server keep running; they are polled again at the next start.
        #expect(tasks.tasks.activeCount == 2)
        #expect(H.send(&tasks, .char("q")) == [.quit])
        var ctrlC = H.state()
        #expect(H.send(&ctrlC, .ctrl("c")) == [.quit])
    }

    @Test func qWhileATaskIsSubmittingAsksFirstAndOnlyQuitQuits() throws {
        var state = H.state()
        _ = AppUpdate.update(&state, .taskUpdated(H.task("t-sub", prompt: "on its way", phase: .submitting, createdSecondsAgo: 2)))
        #expect(H.send(&state, .char("q")).isEmpty)
        #expect(!state.quitting)
        guard case .confirmQuit(let dialog)? = state.overlay else {
            Issue.record("no confirmation")
            return
        }
        #expect(dialog.buttons == ["Keep running", "Quit"])
        #expect(dialog.message.contains("1 task is still being submitted or downloaded"))
        let screen = H.screen(state)
        #expect(screen.contains("Quit?"))
        #expect(screen.contains("[ Keep running ]"))
        #expect(screen.contains("[ Quit ]"))
        // The default button keeps running.
        #expect(H.send(&state, .enter).isEmpty)
        #expect(state.overlay == nil)
        #expect(!state.quitting)
        // Esc too.
        H.send(&state, .char("q"))
        #expect(H.send(&state, .escape).isEmpty)
        #expect(state.overlay == nil)
        // Other keys are swallowed by the dialog.
        H.send(&state, .char("q"))
        #expect(H.send(&state, [.char("2"), .char(":"), .down]).isEmpty)
        #expect(state.screen == .picker)
        // Choosing Quit quits.
        #expect(H.send(&state, .right).isEmpty)
        #expect(H.send(&state, .enter) == [.quit])
        #expect(state.quitting)
        #expect(state.overlay == nil)
    }

    @Test func ctrlCAsksTooAndQPressesTheQuitButton() {
        var state = H.state()
        _ = AppUpdate.update(&state, .taskUpdated(H.task("t-dl", prompt: "downloading", phase: .downloading, createdSecondsAgo: 2)))
        #expect(H.send(&state, .ctrl("c")).isEmpty)
        if case .confirmQuit? = state.overlay {} else { Issue.record("Ctrl-C did not ask") }
        #expect(H.send(&state, .char("q")) == [.quit])
    }

    @Test func onTheSimulatorRunningTasksAlsoAsk() {
        var state = H.state(simulator: true)
        _ = AppUpdate.update(&state, .taskUpdated(H.task("t-run", prompt: "running", phase: .running, createdSecondsAgo: 2)))
        #expect(H.send(&state, .char("q")).isEmpty)
        guard case .confirmQuit(let dialog)? = state.overlay else {
            Issue.record("no confirmation")
            return
        }
        #expect(dialog.message.contains("built-in simulator"))
    }

    // MARK: palette, screen switching

    @Test func colonOpensThePaletteAndTasksEnterSwitchesScreen() {
        var state = Self.state(on: .picker)
        H.send(&state, .char(":"))
        guard case .palette(let list)? = state.overlay else {
            Issue.record("no palette")
            return
        }
        #expect(list.isFiltering)
        #expect(H.screen(state).contains("Command"))
        #expect(H.screen(state).contains("Go to the tasks"))
        H.type("tasks", &state)
        if case .palette(let list)? = state.overlay { #expect(list.selectedItem?.id == "global:go-tasks") }
        #expect(H.send(&state, .enter).isEmpty)
        #expect(state.overlay == nil)
        #expect(state.screen == .tasks)
    }

    @Test func thePaletteOpensAnEndpointsForm() {
        var state = Self.state(on: .tasks)
        H.send(&state, [.char(":")] + H.keys("new flux-pro-1.0-fill task") + [.enter])
        #expect(state.screen == .form)
        #expect(state.form?.endpoint.id == "flux-pro-1.0-fill")
        #expect(state.picker.selected?.id == "flux-pro-1.0-fill")
        // Esc closes it without doing anything (first leaves the filter, then the palette).
        var other = Self.state(on: .tasks)
        H.send(&other, [.char(":"), .escape, .escape])
        #expect(other.overlay == nil)
        #expect(other.screen == .tasks)
    }

    @Test func thePaletteCanQuit() {
        var state = H.state()
        #expect(H.send(&state, [.char(":")] + H.keys("quit") + [.enter]) == [.quit])
    }

    @Test func oneAndTwoSwitchScreens() {
        var state = Self.state(on: .picker)
        H.send(&state, .char("2"))
        #expect(state.screen == .tasks)
        #expect(H.rows(state)[0].contains("2 Tasks (2)"))
        H.send(&state, .char("1"))
        #expect(state.screen == .picker)
        H.send(&state, .char("3"))
        #expect(state.screen == .finetunes)
        H.send(&state, .char("2"))
        #expect(state.screen == .tasks)
        // Esc on the task list (no filter) goes back to the endpoints.
        state.tasks.showDetail = false
        H.send(&state, .escape)
        #expect(state.screen == .picker)
    }

    @Test func oneTypedIntoAFocusedFormFieldDoesNotSwitch() {
        var state = Self.state(on: .form)
        H.focus("prompt", &state)
        H.type("1 2", &state)
        #expect(state.screen == .form)
        #expect(H.fieldText("prompt", state) == "1 2")
    }

    // MARK: status bar and header

    @Test func theStatusBarShowsTheSimulatorTheCountsAndTheLastError() throws {
        var state = H.tasksState()
        state.server = ServerInfo(label: "127.0.0.1:8089", isSimulator: true, credits: 42.5)
        _ = AppUpdate.update(&state, .notice("could not reach the server", isError: true))
        let buffer = H.buffer(state)
        let status = buffer.rowText(buffer.height - 1)
        #expect(status.contains(" SIMULATOR "))
        #expect(status.contains("127.0.0.1:8089"))
        #expect(status.contains("2 active / 5 tasks"))
        #expect(status.contains("✗ could not reach the server"))
        #expect(status.contains("42.5 credits"))
        #expect(status.contains("? help"))
        let at = try #require(buffer.find(" SIMULATOR "))
        #expect(at.y == buffer.height - 1)
        #expect(buffer[at.x + 1, at.y].style == Theme.fallback.style(.warning, on: .statusBar))
        // The toast line above it shows the notice.
        #expect(buffer.rowText(buffer.height - 2).contains("could not reach the server"))
    }

    @Test func aRealServerHasNoSimulatorBadge() {
        var state = H.state(label: "api.bfl.ai")
        _ = AppUpdate.update(&state, .tasksLoaded([]))
        let status = H.rows(state).last ?? ""
        #expect(!status.contains("SIMULATOR"))
        #expect(status.contains("api.bfl.ai"))
        #expect(status.contains("0 active / 0 tasks"))
        #expect(!status.contains("✗"))
    }

    @Test func theHeaderShowsTheTabsAndTheOpenForm() {
        let picker = H.rows(Self.state(on: .picker))[0]
        #expect(picker.hasPrefix(" flux-tui "))
        #expect(picker.contains("1 Endpoints"))
        #expect(picker.contains("2 Tasks (2)"))
        let form = H.rows(Self.state(on: .form))[0]
        #expect(form.contains("› flux-dev"))
    }

    @Test func aTickAdvancesElapsedTimes() {
        var state = H.tasksState()
        _ = AppUpdate.update(&state, .tick(H.epoch.addingTimeInterval(5)))
        #expect(state.now == H.epoch.addingTimeInterval(5))
        #expect(H.rows(state).contains { $0.contains("a lighthouse in a storm") && $0.contains("1m05s") })
    }

    // MARK: sizes

    static let sizes = [(80, 24), (120, 40), (200, 60)]

    @Test(arguments: [Screen.picker, .form, .tasks, .finetunes, .composer])
    func everyScreenDrawsAtEverySupportedSizeWithTheHeader(_ screen: Screen) {
        for (width, height) in Self.sizes {
            let state = Self.state(on: screen, width: width, height: height)
            let buffer = H.buffer(state)
            #expect(buffer.size == Size(width: width, height: height))
            #expect(buffer.rowText(0).hasPrefix(" flux-tui "), "\(screen) \(width)x\(height)")
            #expect(buffer.rowText(height - 1).contains("? help"), "\(screen) \(width)x\(height)")
            #expect(!buffer.contains("too small"))
        }
    }

    @Test func everyOverlayDrawsAtTheSmallestSize() {
        var state = Self.state(on: .tasks, width: 80, height: 24)
        _ = AppUpdate.update(&state, .taskUpdated(H.task("t-sub", prompt: "on its way", phase: .submitting, createdSecondsAgo: 0)))
        for key in [KeyEvent.char("?"), .char(":"), .char("y"), .char("q")] {
            var s = state
            H.send(&s, key)
            #expect(s.overlay != nil, "\(key) opened nothing")
            let buffer = H.buffer(s)
            #expect(buffer.rowText(0).hasPrefix(" flux-tui "))
            #expect(buffer.rowText(23).contains("? help"))
        }
        state.screen = .form
        H.focus("output_format", &state)
        for keys: [KeyEvent] in [[.ctrl("p")], [.enter], [.function(1)]] {
            var s = state
            H.send(&s, keys)
            #expect(s.overlay != nil)
            #expect(H.buffer(s).rowText(0).hasPrefix(" flux-tui "))
        }
    }

    @Test(arguments: [(79, 23), (79, 24), (80, 23), (40, 10), (1, 1), (0, 0)])
    func belowTheMinimumTheTooSmallNoticeIsShown(_ width: Int, _ height: Int) {
        for screen in [Screen.picker, .form, .tasks, .finetunes, .composer] {
            var state = Self.state(on: screen, width: width, height: height)
            H.send(&state, .char("?"))  // an overlay must not draw outside the notice either
            let buffer = H.buffer(state)
            #expect(buffer.size == Size(width: width, height: height))
            let text = H.rows(buffer).joined(separator: "\n")
            #expect(!text.contains("flux-tui"))
            if width >= 46 {
                #expect(text.contains("Terminal too small: \(width)x\(height), need at least 80x24"))
            } else if width > 0 && height > 0 {
                #expect(!text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            }
        }
        let one = H.buffer(Self.state(on: .picker, width: 1, height: 1))
        #expect(one.rowText(0) == "!")
    }

    @Test func resizeEventsUpdateTheSize() {
        var state = Self.state(on: .tasks)
        #expect(H.send(&state, .resize(width: 100, height: 30)).isEmpty)
        #expect(state.size == Size(width: 100, height: 30))
        #expect(H.buffer(state).size == Size(width: 100, height: 30))
        // Into and out of the too-small range.
        H.send(&state, .resize(width: 60, height: 20))
        #expect(H.screen(state).contains("Terminal too small: 60x20, need at least 80x24"))
        H.send(&state, .resize(width: 80, height: 24))
        #expect(H.rows(state)[0].hasPrefix(" flux-tui "))
        // A resize goes through even while an overlay or a text field has the keys.
        H.send(&state, .char("?"))
        H.send(&state, .resize(width: 90, height: 30))
        #expect(state.size == Size(width: 90, height: 30))
        if case .help? = state.overlay {} else { Issue.record("the resize closed the help") }
        var form = Self.state(on: .form)
        H.focus("prompt", &form)
        H.send(&form, .resize(width: 150, height: 50))
        #expect(form.size == Size(width: 150, height: 50))
        #expect(H.fieldText("prompt", form) == "")
    }
}
