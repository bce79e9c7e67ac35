import Foundation
import TaskStore
import TerminalKit
import Testing

@testable import FluxApp

/// Background changes are drawn at most four times a second; keys always at once.
struct FramePacerTests {
    let start = ContinuousClock.now
    let update = AppEvent.taskUpdated(TaskEntry(id: "t", endpoint: "flux-dev", parameters: .init(), createdAt: Date()))

    @Test func keysAreDrawnAtOnceEvenRightAfterAFrame() {
        var pacer = FramePacer()
        pacer.drew(at: start)
        #expect(pacer.decide(for: .key(.char("j")), now: start + .milliseconds(1)) == .draw)
    }

    @Test func theFirstBackgroundChangeIsDrawn() {
        var pacer = FramePacer()
        #expect(pacer.decide(for: update, now: start) == .draw)
    }

    @Test func aBurstOfPollsBecomesOneReminderAndOneFrame() {
        var pacer = FramePacer()
        pacer.drew(at: start)
        #expect(pacer.decide(for: update, now: start + .milliseconds(50)) == .holdAndRemind(.milliseconds(200)))
        for ms in [60, 100, 240] {
            #expect(pacer.decide(for: update, now: start + .milliseconds(ms)) == .hold)
        }
        #expect(pacer.decide(for: .tick(Date()), now: start + .milliseconds(245)) == .hold)
        // The reminder arrives: drawn, and the next burst gets a new reminder.
        #expect(pacer.decide(for: .frameDue, now: start + .milliseconds(250)) == .draw)
        pacer.drew(at: start + .milliseconds(250))
        #expect(pacer.decide(for: update, now: start + .milliseconds(300)) == .holdAndRemind(.milliseconds(200)))
    }

    @Test func aBackgroundChangeAfterAQuietSpellIsDrawnAtOnce() {
        var pacer = FramePacer()
        pacer.drew(at: start)
        #expect(pacer.decide(for: .credits(12), now: start + .seconds(2)) == .draw)
    }

    @Test func whatTheUserIsWaitingForIsNeverHeldBack() {
        for event: AppEvent in [.notice("x", isError: false), .tasksLoaded([]), .finetunesLoaded([]), .finetuneDeleted("f"), .frameDue] {
            #expect(!FramePacer.isBackground(event))
        }
    }
}
