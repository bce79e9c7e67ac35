import FluxAPI
import Foundation
import TerminalKit
import Testing
@testable import FluxApp

@Suite struct ChoiceListTests {
    @Test func enterOnAChoiceFieldOpensItsOptionsAsAList() throws {
        var state = AppState(server: ServerInfo(label: "test", isSimulator: true), size: Size(width: 100, height: 30))
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        state.form = FormState(endpoint: endpoint)
        state.form?.form.focus("output_format")
        state.screen = .form
        _ = AppUpdate.update(&state, .key(.enter))
        guard case .choices(let field, let list)? = state.overlay else { Issue.record("no choice list: \(String(describing: state.overlay))"); return }
        #expect(field == "output_format")
        #expect(list.items.map(\.title) == ["default (jpeg)", "jpeg", "png", "webp", "null"])
        let screen = AppView.render(state, theme: .fallback)
        #expect((0..<screen.height).map(screen.rowText).joined().contains("default (jpeg)"))
        _ = AppUpdate.update(&state, .key(.down))
        _ = AppUpdate.update(&state, .key(.down))
        _ = AppUpdate.update(&state, .key(.enter))
        #expect(state.overlay == nil)
        #expect(state.form?.parameters().0["output_format"] == .text("png"))
        // Esc closes without changing anything.
        _ = AppUpdate.update(&state, .key(.enter))
        _ = AppUpdate.update(&state, .key(.down))
        _ = AppUpdate.update(&state, .key(.escape))
        #expect(state.overlay == nil)
        #expect(state.form?.parameters().0["output_format"] == .text("png"))
    }
}
