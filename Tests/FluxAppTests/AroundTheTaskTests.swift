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
}
