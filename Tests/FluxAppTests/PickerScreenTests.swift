import FluxAPI
import Foundation
import TerminalKit
import Testing
@testable import FluxApp

/// The endpoint picker: state in, keys, state and buffer out.
@Suite struct PickerScreenTests {
    typealias H = AppHarness

    static let families = ["Generate", "Ultra", "FLUX.2", "Kontext", "Fill", "Expand", "Canny", "Depth", "Fine-tune",
                           "Fine-tuned models"]

    /// The list column's lines (left box), without borders and markers.
    static func listLines(_ state: AppState) -> [String] {
        H.rows(state).map { row in
            let cells = Array(row)
            guard cells.count > 40 else { return "" }
            return String(cells[1..<39]).trimmingCharacters(in: .whitespaces)
        }
    }

    @Test func listsEveryEndpointGroupedUnderTheirFamilyHeaders() throws {
        let state = H.state(height: 60)
        let lines = Self.listLines(state).map { $0.hasPrefix("▸ ") ? String($0.dropFirst(2)) : $0 }
        // Every family header, in family order.
        let headerRows = try Self.families.map { family in try #require(lines.firstIndex(of: family), "no header \(family)") }
        #expect(headerRows == headerRows.sorted())
        // Every endpoint, under its own family's header (after it, before the next one).
        #expect(EndpointRegistry.all.count == 23)
        for endpoint in EndpointRegistry.all {
            let row = try #require(lines.firstIndex { $0 == endpoint.id || $0 == endpoint.id + " ⌁" }, "\(endpoint.id) not listed")
            let family = try #require(Self.families.firstIndex(of: endpoint.family.rawValue))
            #expect(row > headerRows[family], "\(endpoint.id) above its header")
            if family + 1 < headerRows.count { #expect(row < headerRows[family + 1], "\(endpoint.id) below the next header") }
        }
        #expect(state.picker.visible.count == 23)
        // Retired endpoints are marked.
        #expect(lines.contains("flux-pro ⌁"))
        #expect(lines.contains("flux-pro-1.1"))
    }

    @Test func theFirstEndpointIsSelectedAndHighlighted() throws {
        let state = H.state()
        #expect(state.screen == .picker)
        #expect(state.picker.selected?.id == "flux-pro-1.1")
        let buffer = H.buffer(state)
        let at = try #require(buffer.find("▸ flux-pro-1.1"))
        #expect(buffer[at.x + 2, at.y].style == Theme.fallback.style(.selection))
    }

    @Test func downAndJMoveTheSelectionAndKAndUpMoveBack() {
        var state = H.state()
        H.send(&state, .down)
        #expect(state.picker.selected?.id == "flux-pro")
        H.send(&state, .char("j"))
        #expect(state.picker.selected?.id == "flux-dev")
        #expect(H.screen(state).contains("▸ flux-dev"))
        #expect(!H.screen(state).contains("▸ flux-pro-1.1"))
        // Moving past a family header skips it: headers are not selectable.
        H.send(&state, .down)
        #expect(state.picker.selected?.id == "flux-pro-1.1-ultra")
        H.send(&state, .char("k"))
        H.send(&state, .up)
        #expect(state.picker.selected?.id == "flux-pro")
        // End and Home.
        H.send(&state, .end)
        #expect(state.picker.selected?.id == PickerState.ordered.last?.id)
        #expect(H.screen(state).contains("▸ flux-pro-1.1-ultra-finetuned"))
        H.send(&state, .home)
        #expect(state.picker.selected?.id == "flux-pro-1.1")
    }

    @Test func theSidePanelShowsTheSelectedEndpointsFieldsAndDefaults() throws {
        var state = H.state()
        H.send(&state, [.down, .down])
        #expect(state.picker.selected?.id == "flux-dev")
        let rows = H.rows(state)
        let screen = rows.joined(separator: "\n")
        #expect(screen.contains("FLUX.1 [dev]"))
        #expect(screen.contains("POST /v1/flux-dev"))
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        for field in endpoint.fields {
            #expect(rows.contains { $0.contains(" \(field.name) ") || $0.contains(" \(field.name)*") }, "\(field.name) missing")
        }
        let widthRow = try #require(rows.first { $0.contains(" width ") && $0.contains("integer") })
        #expect(widthRow.contains("= 1024"))
        #expect(widthRow.contains("256..1440"))
        #expect(widthRow.contains("multiple of 32"))
        let heightRow = try #require(rows.first { $0.contains(" height ") && $0.contains("integer") })
        #expect(heightRow.contains("= 768"))
        let stepsRow = try #require(rows.first { $0.contains(" steps ") && $0.contains("integer") })
        #expect(stepsRow.contains("= 28"))
        #expect(stepsRow.contains("1..50"))
        let guidanceRow = try #require(rows.first { $0.contains(" guidance ") && $0.contains("number") })
        #expect(guidanceRow.contains("= 3"))
        #expect(!guidanceRow.contains("= 3.0"))
        let formatRow = try #require(rows.first { $0.contains(" output_format ") })
        #expect(formatRow.contains("choice = jpeg"))
        let promptRow = try #require(rows.first { $0.contains(" prompt ") && $0.contains("text") })
        #expect(promptRow.contains("= \"\""))
        #expect(screen.contains("Enter opens the form · / filter · ? keys · * required"))
    }

    @Test func theSidePanelMarksRequiredFields() throws {
        var state = H.state()
        state.picker.select(id: "flux-pro-1.0-canny")
        let buffer = H.buffer(state)
        let rows = H.rows(buffer)
        #expect(rows.contains { $0.contains(" prompt*") })
        #expect(rows.contains { $0.contains("⌁ retired on api.bfl.ai") })
        let at = try #require(buffer.find(" prompt*"))
        #expect(buffer[at.x + 1, at.y].style == Theme.fallback.style(.accent))
        // Optional fields carry no marker.
        #expect(!rows.contains { $0.contains(" seed*") })
    }

    @Test func slashFilterNarrowsToTheTwoFillEndpointsAndEscClearsIt() {
        var state = H.state()
        H.send(&state, .char("/"))
        #expect(state.picker.isFiltering)
        H.type("fill", &state)
        #expect(state.picker.visible.map(\.id) == ["flux-pro-1.0-fill", "flux-pro-1.0-fill-finetuned"])
        #expect(state.picker.selected?.id == "flux-pro-1.0-fill")
        let lines = Self.listLines(state)
        #expect(lines.contains("/ fill"))
        #expect(lines.contains("Fill"))
        #expect(lines.contains("Fine-tuned models"))
        #expect(!lines.contains("Generate"))
        #expect(!lines.contains { $0.hasSuffix("flux-dev") })
        #expect(lines.contains("flux-pro-1.0-fill-finetuned"))
        // ↓ moves while the filter is being typed; j would be typed.
        H.send(&state, .down)
        #expect(state.picker.selected?.id == "flux-pro-1.0-fill-finetuned")
        // Esc clears the filter and shows everything again.
        H.send(&state, .escape)
        #expect(!state.picker.isFiltering)
        #expect(state.picker.filter.text == "")
        #expect(state.picker.visible.count == 23)
        #expect(Self.listLines(state).contains("Generate"))
        // The selection stays on the endpoint it was on.
        #expect(state.picker.selected?.id == "flux-pro-1.0-fill-finetuned")
    }

    @Test func aFilterThatMatchesNothingSaysSo() {
        var state = H.state()
        H.send(&state, .char("/"))
        H.type("zzz", &state)
        #expect(state.picker.visible.isEmpty)
        #expect(state.picker.selected == nil)
        #expect(H.screen(state).contains("no endpoint matches 'zzz'"))
        // Enter with nothing selected does nothing.
        H.send(&state, .enter)
        #expect(state.screen == .picker)
    }

    @Test func keysTypedIntoTheFilterAreNotGlobalShortcuts() {
        var state = H.state()
        let effects = H.send(&state, [.char("/")] + H.keys("q12?:"))
        #expect(effects.isEmpty)
        #expect(state.screen == .picker)
        #expect(state.overlay == nil)
        #expect(!state.quitting)
        #expect(state.picker.filter.text == "q12?:")
    }

    @Test func enterAfterFilteringOpensTheSelectedEndpoint() {
        var state = H.state()
        H.send(&state, [.char("/")] + H.keys("depth"))
        H.send(&state, .enter)
        #expect(state.screen == .form)
        #expect(state.form?.endpoint.id == "flux-pro-1.0-depth")
        // Back in the picker the filter is kept (not typing any more); Esc clears it.
        H.send(&state, .escape)
        #expect(state.screen == .picker)
        #expect(state.picker.filter.text == "depth")
        #expect(!state.picker.isFiltering)
        H.send(&state, .escape)
        #expect(state.picker.filter.text == "")
        #expect(state.picker.selected?.id == "flux-pro-1.0-depth")
    }

    @Test func enterOpensTheFormOfTheSelectedEndpoint() {
        var state = H.state()
        H.send(&state, [.char("j"), .char("j")])
        let effects = H.send(&state, .enter)
        #expect(effects.isEmpty)
        #expect(state.screen == .form)
        #expect(state.form?.endpoint.id == "flux-dev")
        let header = H.rows(state)[0]
        #expect(header.contains("› flux-dev"))
        #expect(H.screen(state).contains("FLUX.1 [dev] · POST /v1/flux-dev"))
    }

    @Test func rightArrowAndLAlsoOpenTheForm() {
        for key in [KeyEvent.right, .char("l")] {
            var state = H.state()
            H.send(&state, [.end, key])
            #expect(state.screen == .form)
            #expect(state.form?.endpoint.id == "flux-pro-1.1-ultra-finetuned")
        }
    }

    @Test func reopeningTheSameEndpointKeepsTheHalfFilledForm() {
        var state = H.state()
        H.send(&state, [.down, .down, .enter])
        H.fill("prompt", "kept across visits", &state)
        H.send(&state, .escape)
        #expect(state.screen == .picker)
        H.send(&state, .enter)
        #expect(H.fieldText("prompt", state) == "kept across visits")
        // Another endpoint gets a fresh form.
        H.send(&state, [.escape, .down, .enter])
        #expect(state.form?.endpoint.id == "flux-pro-1.1-ultra")
        #expect(H.fieldText("prompt", state) == "")
    }
}
