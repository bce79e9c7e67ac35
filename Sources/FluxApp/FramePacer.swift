import Foundation

/// When the runner draws. A key press is answered with a frame at once; background changes (polls
/// of many tasks, ticks, credits) are drawn at most `backgroundInterval` apart. With 100 tasks
/// polled, drawing after every poll was most of an idle app's CPU; four frames a second still move
/// every progress bar smoothly.
struct FramePacer {
    enum Decision: Equatable {
        case draw
        /// Skip this frame; a reminder is already on its way.
        case hold
        /// Skip this frame and send `.frameDue` after the delay.
        case holdAndRemind(Duration)
    }

    var backgroundInterval: Duration = .milliseconds(250)
    private var lastDraw: ContinuousClock.Instant?
    private var reminderPending = false

    mutating func decide(for event: AppEvent, now: ContinuousClock.Instant) -> Decision {
        if case .frameDue = event { reminderPending = false }
        guard Self.isBackground(event), let lastDraw else { return .draw }
        let since = now - lastDraw
        if since >= backgroundInterval { return .draw }
        if reminderPending { return .hold }
        reminderPending = true
        return .holdAndRemind(backgroundInterval - since)
    }

    mutating func drew(at now: ContinuousClock.Instant) { lastDraw = now }

    /// Events nobody is waiting to see this very moment.
    static func isBackground(_ event: AppEvent) -> Bool {
        switch event {
        case .taskUpdated, .tick, .credits, .finetuneUpdated, .chargesLoaded: return true
        case .key, .tasksLoaded, .promptHistoryLoaded, .terminalClosed, .finetunesLoaded, .finetuneDeleted, .datasetScanned, .notice, .previewLoaded, .frameDue,
             .fileInspected, .pathCompleted, .submitRefused, .backgroundProblem, .busy, .batchLoaded,
             .spendReportLoaded, .batchesLoaded, .batchAdded, .batchRefused, .sweepFileRead:
            return false
        }
    }
}
