import Foundation
import TerminalKit
import Testing
@testable import FluxApp

/// The screen fuzz passes only if `ScreenChecks` can fail: each check is shown a broken screen.
@Suite struct ScreenChecksTests {
    @Test func aBoxWithAGapIsOpenUnlessAnotherBoxCoversTheGap() {
        var buffer = ScreenBuffer(width: 30, height: 10)
        buffer.drawBox(Rect(x: 1, y: 1, width: 12, height: 6), style: .plain, title: "Panel")
        #expect(ScreenChecks.bordersAreClosed(buffer).isEmpty)

        var gap = buffer
        gap.put(" ", x: 12, y: 3, style: .plain)
        #expect(ScreenChecks.bordersAreClosed(gap) == ["the box at (1, 1) is open at (12, 3)"])

        // A dialog drawn over the edge hides part of it: what a person sees is two closed boxes.
        var covered = gap
        covered.fill(Rect(x: 10, y: 2, width: 8, height: 4), style: .plain)
        covered.drawBox(Rect(x: 10, y: 2, width: 8, height: 4), style: .plain, glyphs: .single)
        #expect(ScreenChecks.bordersAreClosed(covered).isEmpty)
    }

    @Test func anythingDrawnOverTheStatusBarIsFound() {
        let state = AppHarness.state(simulator: true)
        var buffer = AppView.render(state, theme: .fallback)
        #expect(ScreenChecks.problems(buffer, state, theme: .fallback).isEmpty)
        buffer.write("over", x: 50, y: buffer.height - 1, style: .plain)
        #expect(ScreenChecks.statusBarOnTheLastRow(buffer, state, theme: .fallback).count == 1)
    }

    @Test func aBlankScreenBelowTheMinimumSizeIsFound() {
        let state = AppHarness.state(width: 60, height: 20)
        #expect(ScreenChecks.problems(AppView.render(state, theme: .fallback), state, theme: .fallback).isEmpty)
        #expect(ScreenChecks.tooSmallNotice(ScreenBuffer(width: 60, height: 20), state)
            == ["a blank screen instead of the too-small notice"])
    }
}
