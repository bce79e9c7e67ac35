import FluxAPI
import Foundation
import TaskStore
import TerminalKit
import TestSupport
import Testing
@testable import FluxApp

/// Endpoints built from the OpenAPI document appear everywhere with no code of their own: the
/// picker, the palette, the form with its hints, and submitting through `AppUpdate`.
@Suite struct DocumentEndpointsInAppTests {
    typealias H = AppHarness

    @Test func thePickerOpensAFlux2FormWhichSubmitsWithAReferenceImage() throws {
        let directory = Fixtures.temporaryDirectory("flux-app-openapi")
        defer { Fixtures.cleanup(directory) }
        let photo = Fixtures.write(Fixtures.png(width: 64, height: 48), "photo.png", in: directory).path
        var state = H.state(height: 60)
        state.picker.select(id: "flux-2-pro")
        H.send(&state, .enter)
        #expect(state.screen == .form)
        #expect(state.form?.endpoint.id == "flux-2-pro")
        #expect(H.screen(state).contains("FLUX.2 [PRO] · POST /v1/flux-2-pro"))
        H.fill("prompt", "the lighthouse, repainted", &state)
        H.fill("input_image", photo, &state)
        H.fill("width", "512", &state)
        #expect(state.form?.errorCount == 0)
        H.focus("prompt", &state)
        let effects = H.send(&state, .ctrl("s"))
        let expected = TaskParameters(["prompt": .text("the lighthouse, repainted"), "input_image": .file(photo), "width": .integer(512)])
        #expect(effects == [.submit(H.endpoint("flux-2-pro"), expected)])
        #expect(state.screen == .tasks)
    }

    @Test func formsShowTheDocumentsHintsAndTheSupplementedRules() {
        var state = H.formState("flux-2-klein-4b", width: 160, height: 60)
        H.fill("width", "1000", &state)
        #expect(H.screen(state).contains("must be a multiple of 16 (try 992 or 1008)"))
        var big = H.formState("flux-2-max", width: 160, height: 60)
        H.fill("prompt", "p", &big)
        H.fill("width", "4096", &big)
        H.fill("height", "4096", &big)
        #expect(H.screen(big).contains("4096x4096 is more than 4 MP"))
        var expand = H.formState("flux-pro-1.0-expand", width: 160, height: 60)
        H.focus("top", &expand)
        #expect(H.screen(expand).contains("Number of pixels to expand at the top of the image"))
        #expect(H.screen(expand).contains("0..2048"))
    }

    @Test func theFamiliesHaveHeadersAndEveryEndpointAPaletteEntry() {
        let screen = H.screen(H.state(height: 60))
        for header in ["FLUX.2", "Kontext", "Expand"] { #expect(screen.contains(header), "no \(header) header") }
        let titles = Set(GlobalActions.newTask.map(\.title))
        for endpoint in EndpointRegistry.all { #expect(titles.contains("New \(endpoint.id) task")) }
    }

    @Test func aKontextTaskIsListedRerunAndEditedLikeAnyOther() throws {
        var kontext = H.task("t-kontext", endpoint: "flux-kontext-pro", prompt: "make it snow", phase: .done,
                             createdSecondsAgo: 60, seed: 77, statusText: "Ready", outputs: ["/tmp/out/kontext.png"],
                             parameters: ["input_image": .file("/tmp/photo.png")])
        // H.task adds width/height for the older endpoints; a Kontext task has neither.
        kontext.parameters["width"] = nil
        kontext.parameters["height"] = nil
        var state = H.tasksState(width: 160, height: 40, tasks: [kontext])
        #expect(H.screen(state).contains("flux-kontext-pro"))
        let rerun = H.send(&state, .char("r"))
        let expected = TaskParameters(["prompt": .text("make it snow"), "input_image": .file("/tmp/photo.png"), "seed": .integer(77)])
        #expect(rerun == [.submit(H.endpoint("flux-kontext-pro"), expected, origin: TaskOrigin(parentID: "t-kontext"))])
        H.send(&state, .char("e"))
        #expect(state.screen == .form)
        #expect(state.form?.endpoint.id == "flux-kontext-pro")
        #expect(H.fieldText("input_image", state) == "/tmp/photo.png")
        #expect(H.fieldText("seed", state) == "77")
    }
}
