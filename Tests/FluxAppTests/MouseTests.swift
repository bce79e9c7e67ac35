import FluxAPI
import TaskStore
import Testing
import TerminalKit
@testable import FluxApp

private typealias H = AppHarness

/// Clicks and the wheel, resolved against the last frame's layout.
@Suite struct MouseTests {
    static func click(_ x: Int, _ y: Int) -> KeyEvent { .mouse(MouseEvent(kind: .press(button: 0), position: Point(x: x, y: y))) }
    static func wheel(down: Bool, _ x: Int, _ y: Int) -> KeyEvent {
        .mouse(MouseEvent(kind: down ? .scrollDown : .scrollUp, position: Point(x: x, y: y)))
    }

    /// Where `needle` is drawn: (column, row).
    static func position(of needle: String, in state: AppState) -> (Int, Int)? {
        for (y, row) in H.rows(state).enumerated() {
            if let range = row.range(of: needle) { return (row.distance(from: row.startIndex, to: range.lowerBound), y) }
        }
        return nil
    }

    static func manyTasks(_ n: Int) -> AppState {
        H.tasksState(tasks: (0..<n).map { i in
            TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("prompt number \(i)")]), phase: .done,
                      createdAt: H.epoch.addingTimeInterval(Double(i)))
        })
    }

    @Test func aClickSelectsATaskRowAndTheWheelScrollsTheList() throws {
        var state = Self.manyTasks(40)
        let (x, y) = try #require(Self.position(of: "prompt number 37", in: state))
        H.send(&state, Self.click(x, y))
        #expect(state.tasks.selected?.prompt == "prompt number 37")
        H.send(&state, Self.wheel(down: true, x, y))
        #expect(state.tasks.selected?.prompt == "prompt number 34")
        H.send(&state, Self.wheel(down: false, x, y))
        #expect(state.tasks.selected?.prompt == "prompt number 37")
    }

    @Test func aClickOnATabSwitchesScreen() throws {
        var state = Self.manyTasks(2)
        let (x, y) = try #require(Self.position(of: "3 Fine-tunes", in: state))
        H.send(&state, Self.click(x + 1, y))
        #expect(state.screen == .finetunes)
    }

    @Test func aClickOnTheSelectedEndpointOpensItsForm() throws {
        var state = H.state()
        let (x, y) = try #require(Self.position(of: "flux-pro-1.1-ultra", in: state))
        H.send(&state, Self.click(x, y))
        #expect(state.screen == .picker)
        #expect(state.picker.selected?.id == "flux-pro-1.1-ultra")
        H.send(&state, Self.click(x, y))
        #expect(state.screen == .form)
        #expect(state.form?.endpoint.id == "flux-pro-1.1-ultra")
    }

    @Test func aClickOnSubmitSubmits() throws {
        var state = H.formState("flux-dev")
        _ = H.fill("prompt", "clicked", &state)
        let (x, y) = try #require(Self.position(of: "[ Submit ]", in: state))
        let effects = H.send(&state, Self.click(x + 2, y))
        #expect(effects == [.submit(H.endpoint("flux-dev"), TaskParameters(["prompt": .text("clicked")]))])
    }

    @Test func aClickFocusesAFormField() throws {
        var state = H.formState("flux-dev")
        let (x, y) = try #require(Self.position(of: "output_format", in: state))
        H.send(&state, Self.click(x, y))
        #expect(state.form?.form.focusedField?.id == "output_format")
    }

    @Test func aClickOnADialogButtonPressesIt() throws {
        var state = Self.manyTasks(1)
        state.tasks.upsert(TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(), phase: .submitting))
        H.send(&state, .char("q"))
        let (x, y) = try #require(Self.position(of: "Quit ]", in: state) ?? Self.position(of: "Quit", in: state).flatMap { _ in nil })
        #expect(H.send(&state, Self.click(x, y)) == [.quit])
        #expect(state.quitting)
    }

    @Test func aClickInThePaletteSelectsThenRuns() throws {
        var state = Self.manyTasks(2)
        H.send(&state, .char(":"))
        let (x, y) = try #require(Self.position(of: "Go to the fine-tunes", in: state))
        H.send(&state, Self.click(x, y))
        #expect(state.overlay != nil)
        H.send(&state, Self.click(x, y))
        #expect(state.overlay == nil)
        #expect(state.screen == .finetunes)
    }

    @Test func aClickOutsideAnOverlayClosesIt() {
        var state = Self.manyTasks(2)
        H.send(&state, .char("?"))
        #expect(state.overlay != nil)
        H.send(&state, Self.click(0, 5))
        #expect(state.overlay == nil)
        #expect(state.screen == .tasks)
    }

    @Test func theWheelScrollsTheHelp() throws {
        var state = Self.manyTasks(2)
        state.size = Size(width: 100, height: 26)
        H.send(&state, .char("?"))
        let before = H.screen(state)
        let (x, y) = try #require(Self.position(of: "Move down", in: state))
        H.send(&state, Self.wheel(down: true, x, y))
        #expect(H.screen(state) != before)
        #expect(state.overlay != nil)
    }

    @Test func withTheMouseOffClicksDoNothing() throws {
        var state = Self.manyTasks(40)
        state.mouseEnabled = false
        let selected = state.tasks.selected?.id
        let (x, y) = try #require(Self.position(of: "prompt number 37", in: state))
        #expect(H.send(&state, Self.click(x, y)).isEmpty)
        H.send(&state, Self.wheel(down: true, x, y))
        #expect(state.tasks.selected?.id == selected)
    }
}
