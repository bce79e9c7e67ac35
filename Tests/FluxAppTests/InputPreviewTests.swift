import FluxAPI
import Foundation
import ImagePreview
import TerminalKit
import Testing
@testable import FluxApp

/// Previews of input images: the focused image field of a form, the selected composer image.
@Suite struct InputPreviewTests {
    func text(_ state: AppState) -> String {
        let buffer = AppView.render(state, theme: .fallback)
        return (0..<buffer.height).map(buffer.rowText).joined(separator: "\n")
    }

    @Test func theFocusedImageFieldIsPreviewedBesideTheForm() throws {
        let path = try PreviewTests.writeImage("control.png")
        var state = AppState(server: ServerInfo(label: "t", isSimulator: true), size: Size(width: 120, height: 40))
        state.colorMode = .c256
        var form = FormState(endpoint: try #require(EndpointRegistry.endpoint(named: "flux-pro-1.0-canny")))
        form.setText(path, for: "control_image")
        form.checkFiles()
        form.form.focus("control_image")
        state.form = form
        state.screen = .form
        #expect(PreviewTests.performLoads(&state) == 1)
        let screen = text(state)
        #expect(screen.contains("Preview"))
        #expect(screen.contains("▀"))
        #expect(screen.contains("✓ PNG 64x64"))
        // Another field focused: no preview, nothing more to load.
        state.form?.form.focus("prompt")
        #expect(!text(state).contains("▀"))
        #expect(PreviewTests.performLoads(&state) == 0)
        // Too narrow for a side panel: the form keeps the room.
        state.form?.form.focus("control_image")
        state.size = Size(width: 80, height: 24)
        #expect(state.form?.previewPlacement(in: AppView.contentArea(state.size)) == nil)
    }

    @Test func theSelectedComposerImageIsPreviewed() throws {
        let path = try PreviewTests.writeImage("tile.png")
        var state = AppState(server: ServerInfo(label: "t", isSimulator: true), size: Size(width: 120, height: 40))
        state.colorMode = .c256
        state.screen = .composer
        _ = AppUpdate.update(&state, .datasetScanned(FinetuneDataset.scan(URL(fileURLWithPath: path).deletingLastPathComponent())))
        #expect(state.composer.focus == .images)
        #expect(PreviewTests.performLoads(&state) == 1)
        #expect(text(state).contains("▀"))
        #expect(text(state).contains("tile.png  PNG 64x64"))
    }
}
