import FluxAPI
import Foundation
import TaskStore
import Testing
import TerminalKit
@testable import FluxApp

private typealias H = AppHarness

/// The action records: every action is reachable, help and the palette are generated from them,
/// a disabled action says why, and every overlay closes on one Esc.
@Suite struct ActionModelTests {
    /// A state on `screen` with tasks, a form and a fine-tune, where most actions apply.
    static func richState(on screen: Screen) -> AppState {
        var state = H.tasksState()
        _ = AppUpdate.update(&state, .finetunesLoaded([FinetuneEntry(id: "ft-1", comment: "cats", statusText: "Ready")]))
        state.form = FormState(endpoint: H.endpoint("flux-dev"))
        // Off the prompt, where Ctrl-R searches the prompt history instead (AroundTheTaskTests).
        state.form?.form.focus("seed")
        state.screen = screen
        return state
    }

    @Test(arguments: Screen.allCases)
    func everyActionIsReachableListedInHelpAndInThePalette(_ screen: Screen) throws {
        let state = Self.richState(on: screen)
        let actions = ActionCatalog.actions(for: screen)
        let ids = actions.map(\.id)
        #expect(Set(ids).count == ids.count, "\(screen): an action id is used twice: \(ids)")
        let help = ActionCatalog.help(for: state).bindings
        let palette = ActionCatalog.palette(for: state).items.map(\.id)
        for action in actions + GlobalActions.all {
            let keys = state.keyBindings.keys(for: action)
            #expect(!keys.isEmpty || action.inPalette, "\(screen): \(action.id) has no key and is not in the palette")
            if !keys.isEmpty, screen.typesText == false || keys.contains(where: { $0.character == nil }) {
                #expect(help.contains { $0.description == action.title }, "\(screen): \(action.id) is not in the help")
            }
            if action.inPalette, action.available(in: state) {
                let scope = actions.contains { $0.id == action.id } ? "screen" : "global"
                #expect(palette.contains("\(scope):\(action.id)"), "\(screen): \(action.id) is not in the palette")
            }
        }
        // Where an action applies, one of its keys reaches it (no earlier action hides all of them).
        // On the task list Esc first closes the detail pane; the next Esc goes back (tested below).
        let reachedLater: Set<String> = screen == .tasks ? ["back"] : []
        for action in actions where action.available(in: state) && !state.keyBindings.keys(for: action).isEmpty
            && !reachedLater.contains(action.id) {
            let reached = state.keyBindings.keys(for: action).contains { key in
                Dispatcher.firstAction(for: key, in: actions, state)?.id == action.id
            }
            #expect(reached, "\(screen): no key reaches \(action.id)")
        }
    }

    @Test func escClosesTheDetailPaneThenGoesBack() {
        var state = Self.richState(on: .tasks)
        H.send(&state, .escape)
        #expect(state.screen == .tasks)
        #expect(!state.tasks.showDetail)
        H.send(&state, .escape)
        #expect(state.screen == .picker)
    }

    @Test func theComposerSettingsKeepTheFocusAtTheirEnds() {
        var state = H.state()
        state.screen = .composer
        state.composer.focus = .fields
        let count = state.composer.form.form.fields.count
        for _ in 0..<(count + 3) { H.send(&state, .down) }
        #expect(state.composer.form.form.focusIndex == count - 1)
        #expect(!state.composer.form.submitFocused)
        for _ in 0..<(count + 3) { H.send(&state, .up) }
        #expect(state.composer.form.form.focusIndex == 0)
        #expect(!state.composer.form.submitFocused)
        #expect(state.composer.focus == .fields)
    }

    @Test func aClosedTerminalQuitsWithoutAskingEvenWhileWorkIsInFlight() {
        var state = Self.richState(on: .tasks)
        state.tasks.upsert(TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(), phase: .submitting))
        #expect(AppUpdate.update(&state, .terminalClosed) == [.quit])
        #expect(state.quitting)
        #expect(state.overlay == nil)
    }

    @Test func aDisabledActionSaysWhyInsteadOfDoingNothing() {
        var state = H.tasksState(tasks: [])
        #expect(H.send(&state, .char("r")).isEmpty)
        #expect(H.toast(state) == "Rerun with the same seed: no task selected")
        var form = H.formState("flux-dev")
        H.focus("prompt", &form)
        H.send(&form, .ctrl("l"))
        #expect(H.toast(form) == "Seed: reuse the last seed: no task has reported a seed yet")
    }

    @Test func thePaletteRunsAnyActionOfTheScreen() throws {
        var state = Self.richState(on: .tasks)
        let task = try #require(state.tasks.selected)
        H.send(&state, .char(":"))
        H.type("new seed", &state)
        guard case .palette(let list)? = state.overlay else {
            Issue.record("no palette")
            return
        }
        #expect(list.selectedItem?.title == "Rerun with a new seed")
        #expect(list.selectedItem?.detail == "R")
        let effects = H.send(&state, .enter)
        var expected = task.parameters
        expected["seed"] = nil
        #expect(effects == [.submit(H.endpoint(task.endpoint), expected, origin: TaskOrigin(parentID: task.id))])
        #expect(state.overlay == nil)
    }

    @Test func thePaletteListsADisabledActionWithItsReason() {
        var state = H.tasksState(tasks: [])
        H.send(&state, .char(":"))
        guard case .palette(let list)? = state.overlay else {
            Issue.record("no palette")
            return
        }
        let rerun = list.items.first { $0.id == "screen:rerun" }
        #expect(rerun?.detail == "no task selected")
        #expect(rerun?.role == .muted)
    }

    /// Each overlay, opened the way a user opens it.
    static let overlayOpeners: [(name: String, screen: Screen, keys: [KeyEvent])] = [
        ("help", .tasks, [.char("?")]),
        ("palette", .tasks, [.char(":")]),
        ("palette after typing", .tasks, [.char(":"), .char("t"), .char("a")]),
        ("copy menu", .tasks, [.char("y")]),
        ("quit dialog", .tasks, []),
        ("JSON preview", .form, [.ctrl("p")]),
        ("choices", .form, []),
        ("delete dialog", .finetunes, [.char("x")]),
        ("use fine-tune", .finetunes, [.enter]),
    ]

    @Test func everyOverlayClosesOnOneEsc() {
        for opener in Self.overlayOpeners {
            var state = Self.richState(on: opener.screen)
            switch opener.name {
            case "quit dialog":
                state.tasks.upsert(TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(), phase: .submitting))
                H.send(&state, .char("q"))
            case "choices":
                H.focus("output_format", &state)
                H.send(&state, .enter)
            default:
                H.send(&state, opener.keys)
            }
            #expect(state.overlay != nil, "\(opener.name) did not open")
            let effects = H.send(&state, .escape)
            #expect(state.overlay == nil, "one Esc did not close the \(opener.name)")
            #expect(effects.isEmpty, "Esc on the \(opener.name) acted: \(effects)")
            #expect(!state.quitting)
        }
    }

    @Test func anImagePreviewClosesOnEscAndOpensOnO() {
        var state = H.tasksState()
        state.overlay = .imagePreview(path: "/tmp/x.png", title: "x")
        #expect(H.send(&state, .escape).isEmpty)
        #expect(state.overlay == nil)
        state.overlay = .imagePreview(path: "/tmp/x.png", title: "x")
        #expect(H.send(&state, .char("o")) == [.openFile("/tmp/x.png")])
        #expect(state.overlay == nil)
    }

    @Test func footerHintsComeFromTheActionsWithTheKeysInForce() throws {
        var state = H.formState("flux-dev")
        H.focus("prompt", &state)
        #expect(ActionCatalog.hints(for: state).contains("Ctrl-S submit"))
        #expect(H.screen(state).contains("Ctrl-S submit"))
        state.keyBindings = try KeyBindings.make([KeyBindings.Setting(action: "submit", keys: ["F5"], line: 3)], file: "c.toml")
        #expect(ActionCatalog.hints(for: state).contains("F5 submit"))
        #expect(H.screen(state).contains("F5 submit"))
        #expect(!H.screen(state).contains("Ctrl-S submit"))
    }
}

/// `[keys]` in config.toml.
@Suite struct KeyConfigTests {
    static func config(_ text: String) throws(AppConfig.LoadError) -> AppConfig { try AppConfig.parse(text, file: "/home/u/.config/flux-tui/config.toml") }

    @Test func reboundKeysDoWhatTheOldOnesDidAndTheOldOnesStop() throws {
        let config = try Self.config("""
            theme = "light"

            [keys]
            quit = "Q"
            rerun = ["r", "F5"]
            """)
        var state = H.tasksState()
        state.keyBindings = config.keyBindings
        let task = try #require(state.tasks.selected)
        #expect(H.send(&state, .function(5)).first == .submit(H.endpoint(task.endpoint), {
            var p = task.parameters
            if let seed = task.seed { p["seed"] = .integer(seed) }
            return p
        }(), origin: TaskOrigin(parentID: task.id)))
        #expect(H.send(&state, .char("q")).isEmpty)
        #expect(!state.quitting)
        #expect(H.send(&state, .char("Q")) == [.quit])
        // Help shows the keys in force.
        let help = ActionCatalog.help(for: state).bindings
        #expect(help.first { $0.description == "Rerun with the same seed" }?.label == "r/F5")
        #expect(help.first { $0.description.hasPrefix("Quit") }?.label == "Q")
    }

    @Test func anUnknownActionNamesTheFileLineAndAction() {
        #expect(throws: AppConfig.LoadError.self) { try Self.config("[keys]\nrerun = \"r\"\nrerunn = \"x\"\n") }
        do throws(AppConfig.LoadError) {
            _ = try Self.config("[keys]\nrerun = \"r\"\nrerunn = \"x\"\n")
        } catch {
            #expect(error.message.hasPrefix("/home/u/.config/flux-tui/config.toml:3 [keys] rerunn: no action is called 'rerunn'"))
            #expect(error.message.contains("rerun"))
        }
    }

    @Test func aClashNamesBothActions() {
        do throws(AppConfig.LoadError) {
            _ = try Self.config("[keys]\n\nrerun = \"e\"\n")
            Issue.record("a clash was accepted")
        } catch {
            #expect(error.message == "/home/u/.config/flux-tui/config.toml:3 [keys] rerun: e is also the key of 'edit' on the tasks screen")
        }
    }

    @Test func badKeyNamesAndValuesAreRefused() {
        for (text, needle) in [("[keys]\nquit = \"Hyper-Q\"", "'Hyper-Q' is not a key name"),
                               ("[keys]\nquit = 3", "give a key"),
                               ("[keys]\nquit = []", "give at least one key"),
                               ("keys = 1", "'keys' must be a table"),
                               ("mouse = \"no\"", "'mouse' must be true or false")] {
            do throws(AppConfig.LoadError) {
                _ = try Self.config(text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.message.contains(needle), "\(text): \(error.message)")
            }
        }
    }

    @Test func mouseCanBeTurnedOffInTheFile() throws {
        #expect(try Self.config("mouse = false").mouse == false)
        #expect(try Self.config("").mouse == nil)
    }

    @Test func theListingNamesEveryActionWithItsKeys() throws {
        let lines = ActionListing.lines(try Self.config("[keys]\nquit = \"Q\"").keyBindings)
        #expect(lines.contains("tasks:"))
        #expect(lines.contains { $0.contains("rerun-new-seed") && $0.contains(" R ") })
        #expect(lines.contains { $0.contains("quit") && $0.contains(" Q ") })
    }
}
